"""The words of products in each product language (English, French, Portuguese, Arabic).

Products are written in their own language whatever the reader's interface language, so
their strings live here, keyed, rather than in the interface's gettext catalogue. When the
project's .po files carry these strings, `phrase()` can become a gettext lookup under
`translation.override(language)` without changing any caller.
"""

from __future__ import annotations

from typing import Any

from vigil.reports.choices import RTL_LANGUAGES

PHRASES: dict[str, dict[str, str]] = {
    # titles
    "title.daily_synopsis": {
        "en": "Daily regional synopsis — {area}, {date}",
        "fr": "Synthèse régionale quotidienne — {area}, {date}",
        "pt": "Síntese regional diária — {area}, {date}",
        "ar": "الموجز الإقليمي اليومي — {area}، {date}",
    },
    "title.situation_report": {
        "en": "Situation report — {area}, {start} to {end}",
        "fr": "Rapport de situation — {area}, du {start} au {end}",
        "pt": "Relatório de situação — {area}, de {start} a {end}",
        "ar": "تقرير الحالة — {area}، من {start} إلى {end}",
    },
    "title.policy_brief": {
        "en": "Policy brief — {area}",
        "fr": "Note d'orientation — {area}",
        "pt": "Nota de orientação política — {area}",
        "ar": "موجز السياسات — {area}",
    },
    # section headings
    "section.developments": {
        "en": "Significant developments",
        "fr": "Faits marquants",
        "pt": "Desenvolvimentos significativos",
        "ar": "التطورات الهامة",
    },
    "section.escalations": {
        "en": "Escalations",
        "fr": "Escalades",
        "pt": "Escaladas",
        "ar": "حالات التصعيد",
    },
    "section.hotspots": {
        "en": "Hotspots",
        "fr": "Points chauds",
        "pt": "Pontos críticos",
        "ar": "بؤر التوتر",
    },
    "section.forecasts": {
        "en": "Forecasts",
        "fr": "Prévisions",
        "pt": "Previsões",
        "ar": "التوقعات",
    },
    "section.field_reports": {
        "en": "Newly verified field reports",
        "fr": "Rapports de terrain récemment vérifiés",
        "pt": "Relatórios de campo recentemente verificados",
        "ar": "التقارير الميدانية التي تم التحقق منها حديثًا",
    },
    "section.trend": {
        "en": "Risk trend",
        "fr": "Évolution du risque",
        "pt": "Tendência do risco",
        "ar": "اتجاه المخاطر",
    },
    "section.map": {"en": "Map", "fr": "Carte", "pt": "Mapa", "ar": "الخريطة"},
    "section.key_events": {
        "en": "Key events",
        "fr": "Événements clés",
        "pt": "Eventos principais",
        "ar": "الأحداث الرئيسية",
    },
    "section.indicators": {
        "en": "Indicators",
        "fr": "Indicateurs",
        "pt": "Indicadores",
        "ar": "المؤشرات",
    },
    "section.response_options": {
        "en": "Recommended response options",
        "fr": "Options de réponse recommandées",
        "pt": "Opções de resposta recomendadas",
        "ar": "خيارات الاستجابة الموصى بها",
    },
    "section.summary": {"en": "Summary", "fr": "Résumé", "pt": "Resumo", "ar": "ملخص"},
    "section.analysis": {"en": "Analysis", "fr": "Analyse", "pt": "Análise", "ar": "التحليل"},
    "section.recommendations": {
        "en": "Recommendations",
        "fr": "Recommandations",
        "pt": "Recomendações",
        "ar": "التوصيات",
    },
    "section.figures": {
        "en": "Latest figures",
        "fr": "Derniers chiffres",
        "pt": "Números mais recentes",
        "ar": "أحدث الأرقام",
    },
    # figure labels
    # Counts are written "label: n" so that no language needs a plural form for them.
    "figure.events": {
        "en": "Events: {n}",
        "fr": "Événements\u00a0: {n}",
        "pt": "Eventos: {n}",
        "ar": "الأحداث: {n}",
    },
    "figure.deaths": {
        "en": "Deaths: {n}",
        "fr": "Décès\u00a0: {n}",
        "pt": "Mortes: {n}",
        "ar": "الوفيات: {n}",
    },
    "figure.country_events": {
        "en": "{country} — events: {events}, deaths: {deaths}",
        "fr": "{country} — événements\u00a0: {events}, décès\u00a0: {deaths}",
        "pt": "{country} — eventos: {events}, mortes: {deaths}",
        "ar": "{country} — الأحداث: {events}، الوفيات: {deaths}",
    },
    "figure.escalation": {
        "en": "{area} ({period}): {observed} deaths against {expected} expected "
        "(surprise {surprise})",
        "fr": "{area} ({period}) : {observed} décès pour {expected} attendus (surprise {surprise})",
        "pt": "{area} ({period}): {observed} mortes contra {expected} esperadas "
        "(surpresa {surprise})",
        "ar": "{area} ({period}): {observed} وفيات مقابل {expected} متوقعة (المفاجأة {surprise})",
    },
    "figure.hotspot": {
        "en": "{rank}. {area} — deaths: {deaths}, change {change:+d}",
        "fr": "{rank}. {area} — décès\u00a0: {deaths}, variation {change:+d}",
        "pt": "{rank}. {area} — mortes: {deaths}, variação {change:+d}",
        "ar": "{rank}. {area} — الوفيات: {deaths}، التغير {change:+d}",
    },
    "backtest.col.measure": {"en": "Measure", "fr": "Mesure", "pt": "Medida", "ar": "المقياس"},
    "backtest.col.model": {
        "en": "This model",
        "fr": "Ce modèle",
        "pt": "Este modelo",
        "ar": "هذا النموذج",
    },
    "backtest.col.better": {"en": "Better", "fr": "Meilleur", "pt": "Melhor", "ar": "الأفضل"},
    "figure.forecast": {
        "en": "{area}, {target}: P(any death) {p_any}, P(25+ deaths) {p_ge25}, "
        "expected deaths (median) {point}, 80% interval {lower}–{upper}",
        "fr": "{area}, {target} : P(au moins un décès) {p_any}, P(25 décès ou plus) {p_ge25}, "
        "décès attendus (médiane) {point}, intervalle à 80\u00a0% {lower}–{upper}",
        "pt": "{area}, {target}: P(pelo menos uma morte) {p_any}, P(25+ mortes) {p_ge25}, "
        "mortes esperadas (mediana) {point}, intervalo de 80% {lower}–{upper}",
        "ar": "{area}، {target}: احتمال وقوع وفيات {p_any}، احتمال 25 وفاة أو أكثر {p_ge25}، "
        "الوفيات المتوقعة (الوسيط) {point}، فاصل 80٪ {lower}–{upper}",
    },
    "figure.backtest": {
        "en": "How good are these forecasts? In a backtest of the {level} model ({horizon} "
        "month ahead{years}), it was better than {baseline}, the best of {count} simple "
        "baselines, on {wins} of {measures} measures.",
        "fr": "Que valent ces prévisions ? Dans un test rétrospectif du modèle {level} "
        "({horizon} mois à l'avance{years}), il a fait mieux que {baseline}, la meilleure de "
        "{count} références simples, sur {wins} mesures sur {measures}.",
        "pt": "Quão boas são estas previsões? Num teste retrospectivo do modelo {level} "
        "({horizon} mês à frente{years}), foi melhor do que {baseline}, a melhor de {count} "
        "referências simples, em {wins} de {measures} medidas.",
        "ar": "ما مدى جودة هذه التوقعات؟ في اختبار رجعي لنموذج {level} (قبل {horizon} شهر"
        "{years})، تفوّق على {baseline}، أفضل {count} نماذج مرجعية بسيطة، في {wins} من "
        "{measures} مقاييس.",
    },
    "backtest.years": {
        "en": ", tested on {years}",
        "fr": ", testé sur {years}",
        "pt": ", testado em {years}",
        "ar": "، اختُبر على {years}",
    },
    "backtest.row": {
        "en": "{measure}: model {model}, {baseline} {baseline_value} — {verdict}",
        "fr": "{measure} : modèle {model}, {baseline} {baseline_value} — {verdict}",
        "pt": "{measure}: modelo {model}, {baseline} {baseline_value} — {verdict}",
        "ar": "{measure}: النموذج {model}، {baseline} {baseline_value} — {verdict}",
    },
    "backtest.report": {
        "en": "The full backtest report, per country and for every baseline: {url}",
        "fr": "Le rapport complet du test rétrospectif, par pays et pour chaque référence : {url}",
        "pt": "O relatório completo do teste retrospectivo, por país e para cada referência: {url}",
        "ar": "التقرير الكامل للاختبار الرجعي، لكل بلد ولكل نموذج مرجعي: {url}",
    },
    "measure.any_auc": {
        "en": "AUC of any death (higher is better)",
        "fr": "AUC d'au moins un décès (plus haut = mieux)",
        "pt": "AUC de pelo menos uma morte (mais alto = melhor)",
        "ar": "مساحة ROC لوقوع وفاة (الأعلى أفضل)",
    },
    "measure.any_brier": {
        "en": "Brier score of any death (lower is better)",
        "fr": "Score de Brier d'au moins un décès (plus bas = mieux)",
        "pt": "Pontuação de Brier de pelo menos uma morte (mais baixo = melhor)",
        "ar": "درجة براير لوقوع وفاة (الأدنى أفضل)",
    },
    "measure.medae": {
        "en": "Median error in deaths (lower is better)",
        "fr": "Erreur médiane en décès (plus bas = mieux)",
        "pt": "Erro mediano em mortes (mais baixo = melhor)",
        "ar": "الخطأ الوسيط بعدد الوفيات (الأدنى أفضل)",
    },
    "verdict.model": {
        "en": "model better by {difference}",
        "fr": "modèle meilleur de {difference}",
        "pt": "modelo melhor por {difference}",
        "ar": "النموذج أفضل بفارق {difference}",
    },
    "verdict.baseline": {
        "en": "{baseline} better by {difference}",
        "fr": "{baseline} meilleure de {difference}",
        "pt": "{baseline} melhor por {difference}",
        "ar": "{baseline} أفضل بفارق {difference}",
    },
    "verdict.tie": {
        "en": "no difference",
        "fr": "pas de différence",
        "pt": "sem diferença",
        "ar": "لا فرق",
    },
    "level.country_month": {
        "en": "country-month",
        "fr": "pays-mois",
        "pt": "país-mês",
        "ar": "البلد-الشهر",
    },
    "level.admin1_month": {
        "en": "province-month (admin1)",
        "fr": "province-mois (admin1)",
        "pt": "província-mês (admin1)",
        "ar": "المقاطعة-الشهر (admin1)",
    },
    "baseline.zeros": {"en": "zeros", "fr": "zéros", "pt": "zeros", "ar": "الأصفار"},
    "baseline.persistence": {
        "en": "persistence",
        "fr": "persistance",
        "pt": "persistência",
        "ar": "الاستمرارية",
    },
    "baseline.historical average": {
        "en": "historical average",
        "fr": "moyenne historique",
        "pt": "média histórica",
        "ar": "المتوسط التاريخي",
    },
    "baseline.conflictology": {
        "en": "conflictology",
        "fr": "conflictologie",
        "pt": "conflitologia",
        "ar": "علم النزاعات",
    },
    "baseline.bootstrap": {
        "en": "bootstrap of the last 12 months",
        "fr": "rééchantillonnage des 12 derniers mois",
        "pt": "reamostragem dos últimos 12 meses",
        "ar": "إعادة المعاينة لآخر 12 شهرًا",
    },
    "figure.field_report": {
        "en": "{date}, {country}: {category}, {deaths} deaths (report #{report})",
        "fr": "{date}, {country} : {category}, {deaths} décès (rapport n° {report})",
        "pt": "{date}, {country}: {category}, {deaths} mortes (relatório n.º {report})",
        "ar": "{date}، {country}: {category}، {deaths} وفيات (تقرير رقم {report})",
    },
    "figure.key_event": {
        "en": "{date}, {place}: {category}, {deaths} deaths ({source})",
        "fr": "{date}, {place} : {category}, {deaths} décès ({source})",
        "pt": "{date}, {place}: {category}, {deaths} mortes ({source})",
        "ar": "{date}، {place}: {category}، {deaths} وفيات ({source})",
    },
    "figure.trend": {
        "en": "Events and deaths per month, {start} to {end}",
        "fr": "Événements et décès par mois, {start} à {end}",
        "pt": "Eventos e mortes por mês, {start} a {end}",
        "ar": "الأحداث والوفيات شهريًا، من {start} إلى {end}",
    },
    "figure.map": {
        "en": "{events} located events, {start} to {end}",
        "fr": "{events} événements localisés, {start} à {end}",
        "pt": "{events} eventos localizados, {start} a {end}",
        "ar": "{events} أحداث محددة الموقع، من {start} إلى {end}",
    },
    "figure.indicator": {
        "en": "{indicator}: {value} ({period})",
        "fr": "{indicator} : {value} ({period})",
        "pt": "{indicator}: {value} ({period})",
        "ar": "{indicator}: {value} ({period})",
    },
    "figure.period_total": {
        "en": "{events} events and {deaths} deaths in the period",
        "fr": "{events} événements et {deaths} décès sur la période",
        "pt": "{events} eventos e {deaths} mortes no período",
        "ar": "{events} أحداث و{deaths} وفيات خلال الفترة",
    },
    # sentences
    "text.no_analysis": {
        "en": "No analysis available at this product's mark for this date.",
        "fr": "Aucune analyse disponible à ce niveau de diffusion pour cette date.",
        "pt": "Nenhuma análise disponível neste nível de classificação para esta data.",
        "ar": "لا يتوفر تحليل بمستوى التصنيف هذا لهذا التاريخ.",
    },
    "text.nothing_new": {
        "en": "No new events were recorded since the previous synopsis.",
        "fr": "Aucun nouvel événement n'a été enregistré depuis la synthèse précédente.",
        "pt": "Nenhum novo evento foi registado desde a síntese anterior.",
        "ar": "لم تُسجَّل أحداث جديدة منذ الموجز السابق.",
    },
    "text.none": {
        "en": "None in this period.",
        "fr": "Aucun sur cette période.",
        "pt": "Nenhum neste período.",
        "ar": "لا شيء في هذه الفترة.",
    },
    "text.not_covered_since": {
        "en": "Not covered: {countries} — no data since {date} ({sources}). No count, rank "
        "or forecast is given for what no source covers: missing data is not zero deaths.",
        "fr": "Non couvert : {countries} — aucune donnée depuis le {date} ({sources}). Aucun "
        "décompte, rang ni prévision n'est donné là où aucune source ne couvre : l'absence de "
        "données n'est pas zéro décès.",
        "pt": "Sem cobertura: {countries} — sem dados desde {date} ({sources}). Não se dá "
        "contagem, posição nem previsão onde nenhuma fonte cobre: a falta de dados não é zero "
        "mortes.",
        "ar": "غير مشمول: {countries} — لا بيانات منذ {date} ({sources}). لا يُعطى عدد ولا "
        "ترتيب ولا توقع حيث لا يغطي أي مصدر: غياب البيانات ليس صفر وفيات.",
    },
    "text.not_covered_never": {
        "en": "Not covered: {countries} — no event source covers this period. No count, rank "
        "or forecast is given for what no source covers: missing data is not zero deaths.",
        "fr": "Non couvert : {countries} — aucune source d'événements ne couvre cette période. "
        "Aucun décompte, rang ni prévision n'est donné là où aucune source ne couvre : "
        "l'absence de données n'est pas zéro décès.",
        "pt": "Sem cobertura: {countries} — nenhuma fonte de eventos cobre este período. Não "
        "se dá contagem, posição nem previsão onde nenhuma fonte cobre: a falta de dados não "
        "é zero mortes.",
        "ar": "غير مشمول: {countries} — لا يغطي أي مصدر للأحداث هذه الفترة. لا يُعطى عدد ولا "
        "ترتيب ولا توقع حيث لا يغطي أي مصدر: غياب البيانات ليس صفر وفيات.",
    },
    "text.partly_covered": {
        "en": "Partly covered: {countries} — data only to {date} ({sources}); this period's "
        "counts there are incomplete.",
        "fr": "Partiellement couvert : {countries} — données seulement jusqu'au {date} "
        "({sources}) ; les décomptes de la période y sont incomplets.",
        "pt": "Cobertura parcial: {countries} — dados só até {date} ({sources}); as contagens "
        "do período aí estão incompletas.",
        "ar": "مشمول جزئيًا: {countries} — البيانات حتى {date} فقط ({sources})؛ أعداد هذه "
        "الفترة هناك ناقصة.",
    },
    "text.newest_event": {
        "en": "Newest event this product rests on: {date}, {days} days before {end}.",
        "fr": "Événement le plus récent sur lequel repose ce produit : {date}, {days} jours "
        "avant le {end}.",
        "pt": "Evento mais recente em que este produto se baseia: {date}, {days} dias antes "
        "de {end}.",
        "ar": "أحدث حدث يستند إليه هذا المنتج: {date}، قبل {days} يومًا من {end}.",
    },
    "text.no_event_yet": {
        "en": "This product rests on no event dated on or before {end}.",
        "fr": "Ce produit ne repose sur aucun événement daté du {end} ou avant.",
        "pt": "Este produto não se baseia em nenhum evento datado de {end} ou antes.",
        "ar": "لا يستند هذا المنتج إلى أي حدث مؤرخ في {end} أو قبله.",
    },
    "warning.source_stale": {
        "en": "Source {source} is stale: last successful sync {since}, newest event {newest}. "
        "The figures below that rest on it may be out of date.",
        "fr": "La source {source} n'est plus à jour : dernière synchronisation réussie {since}, "
        "événement le plus récent {newest}. Les chiffres qui en dépendent peuvent être dépassés.",
        "pt": "A fonte {source} está desatualizada: última sincronização bem-sucedida {since}, "
        "evento mais recente {newest}. Os números que dela dependem podem estar desatualizados.",
        "ar": "المصدر {source} غير محدَّث: آخر مزامنة ناجحة {since}، وأحدث حدث {newest}. "
        "قد تكون الأرقام التي تستند إليه قديمة.",
    },
    "text.never": {"en": "never", "fr": "jamais", "pt": "nunca", "ar": "أبدًا"},
    "text.counts_not_covered": {
        "en": "No source covers this period here: no count of events or deaths is given.",
        "fr": "Aucune source ne couvre cette période ici : aucun décompte d'événements ni de "
        "décès n'est donné.",
        "pt": "Nenhuma fonte cobre este período aqui: não se dá contagem de eventos nem de mortes.",
        "ar": "لا يغطي أي مصدر هذه الفترة هنا: لا يُعطى عدد للأحداث ولا للوفيات.",
    },
    "text.imprecise_left_out": {
        "en": "Events dated only to the year, or spanning months, are not in the monthly "
        "chart: {count} in these months.",
        "fr": "Les événements datés seulement à l'année, ou étalés sur plusieurs mois, ne "
        "figurent pas dans le graphique mensuel\u00a0: {count} sur ces mois.",
        "pt": "Os eventos datados apenas ao ano, ou que abrangem vários meses, não estão no "
        "gráfico mensal: {count} nestes meses.",
        "ar": "الأحداث المؤرخة بالسنة فقط، أو الممتدة على عدة أشهر، ليست في الرسم الشهري: "
        "{count} في هذه الأشهر.",
    },
    "text.trend_not_covered": {
        "en": "No source covers any of these months: there is no trend to chart.",
        "fr": "Aucune source ne couvre ces mois\u00a0: il n'y a pas de tendance à représenter.",
        "pt": "Nenhuma fonte cobre estes meses: não há tendência a representar.",
        "ar": "لا يغطي أي مصدر هذه الأشهر: لا يوجد اتجاه لعرضه.",
    },
    "text.section_not_covered": {
        "en": "Not computed: no source covers this period, and silence is not calm.",
        "fr": "Non calculé : aucune source ne couvre cette période, et le silence n'est pas "
        "le calme.",
        "pt": "Não calculado: nenhuma fonte cobre este período, e o silêncio não é calma.",
        "ar": "لم يُحسب: لا يغطي أي مصدر هذه الفترة، والصمت ليس هدوءًا.",
    },
    "text.hotspots_of": {
        "en": "Ranked on the deaths of the three months to {month}, the last full month of the "
        "analysis as of {date}; only areas with recorded events are listed.",
        "fr": "Classement selon les décès des trois mois jusqu'à {month}, dernier mois complet "
        "de l'analyse au {date} ; seules les zones avec des événements enregistrés figurent.",
        "pt": "Classificação pelas mortes dos três meses até {month}, o último mês completo da "
        "análise de {date}; só constam áreas com eventos registados.",
        "ar": "الترتيب حسب وفيات الأشهر الثلاثة حتى {month}، آخر شهر كامل في التحليل بتاريخ "
        "{date}؛ تُذكر المناطق التي سُجّلت فيها أحداث فقط.",
    },
    "text.forecasts_passed": {
        "en": "The newest analysis this product may use (as of {date}) forecast months that "
        "have passed; no forecast is given.",
        "fr": "L'analyse la plus récente que ce produit peut utiliser (au {date}) prévoyait des "
        "mois déjà écoulés ; aucune prévision n'est donnée.",
        "pt": "A análise mais recente que este produto pode usar (de {date}) previa meses que "
        "já passaram; não se dá previsão.",
        "ar": "أحدث تحليل يمكن لهذا المنتج استخدامه (بتاريخ {date}) توقّع أشهرًا مضت؛ لا يُعطى توقع.",
    },
    "response.unknown.1": {
        "en": "Obtain current event data for {country} (a newer UCDP release, ACLED, or the "
        "field network's reports) before judging the situation: the figures Vigil holds do "
        "not cover this period.",
        "fr": "Obtenir des données d'événements à jour pour {country} (une version plus "
        "récente d'UCDP, ACLED ou les rapports du réseau de terrain) avant de juger la "
        "situation : les chiffres de Vigil ne couvrent pas cette période.",
        "pt": "Obter dados de eventos actuais para {country} (uma versão mais recente do UCDP, "
        "o ACLED ou os relatórios da rede de terreno) antes de avaliar a situação: os números "
        "do Vigil não cobrem este período.",
        "ar": "الحصول على بيانات أحداث حديثة عن {country} (إصدار أحدث من UCDP أو ACLED أو "
        "تقارير الشبكة الميدانية) قبل الحكم على الوضع: أرقام Vigil لا تغطي هذه الفترة.",
    },
    "response.unknown.2": {
        "en": "Ask the field monitors in {country} for a situation update.",
        "fr": "Demander aux observateurs de terrain au/en {country} une mise à jour de la "
        "situation.",
        "pt": "Pedir aos monitores de terreno em {country} uma actualização da situação.",
        "ar": "طلب تحديث للوضع من المراقبين الميدانيين في {country}.",
    },
    "text.since": {
        "en": "Since the previous synopsis ({start} to {end}):",
        "fr": "Depuis la synthèse précédente ({start} au {end}) :",
        "pt": "Desde a síntese anterior ({start} a {end}):",
        "ar": "منذ الموجز السابق (من {start} إلى {end}):",
    },
    "text.left_out": {
        "en": "{count} events above this product's mark (TLP:{tlp}) were left out.",
        "fr": "{count} événements d'un niveau supérieur au marquage de ce produit "
        "(TLP:{tlp}) ont été exclus.",
        "pt": "{count} eventos acima da classificação deste produto (TLP:{tlp}) foram excluídos.",
        "ar": "تم استبعاد {count} من الأحداث التي تتجاوز تصنيف هذا المنتج (TLP:{tlp}).",
    },
    "text.left_out_one": {
        "en": "1 event above this product's mark (TLP:{tlp}) was left out.",
        "fr": "1 événement d'un niveau supérieur au marquage de ce produit (TLP:{tlp}) a été "
        "exclu.",
        "pt": "1 evento acima da classificação deste produto (TLP:{tlp}) foi excluído.",
        "ar": "تم استبعاد حدث واحد يتجاوز تصنيف هذا المنتج (TLP:{tlp}).",
    },
    "text.analysis_run": {
        "en": "Analytics from the analysis as of {date} (TLP:{tlp}).",
        "fr": "Analyses issues du calcul au {date} (TLP:{tlp}).",
        "pt": "Análises do cálculo de {date} (TLP:{tlp}).",
        "ar": "التحليلات مأخوذة من التحليل بتاريخ {date} (TLP:{tlp}).",
    },
    "text.events_behind": {
        "en": "Events behind this figure",
        "fr": "Événements à l'origine de ce chiffre",
        "pt": "Eventos por trás deste número",
        "ar": "الأحداث وراء هذا الرقم",
    },
    "text.template_summary": {
        "en": "State the situation and why it matters now, in two or three sentences.",
        "fr": "Exposez la situation et pourquoi elle importe maintenant, en deux ou trois phrases.",
        "pt": "Descreva a situação e porque importa agora, em duas ou três frases.",
        "ar": "صف الوضع ولماذا يهم الآن، في جملتين أو ثلاث.",
    },
    "text.template_analysis": {
        "en": "Drivers, actors and the most likely course of events in the coming weeks.",
        "fr": "Facteurs, acteurs et évolution la plus probable dans les semaines à venir.",
        "pt": "Fatores, atores e a evolução mais provável nas próximas semanas.",
        "ar": "العوامل والجهات الفاعلة والمسار الأرجح للأحداث في الأسابيع المقبلة.",
    },
    "text.template_recommendations": {
        "en": "Who should do what, by when.",
        "fr": "Qui doit faire quoi, et d'ici quand.",
        "pt": "Quem deve fazer o quê, e até quando.",
        "ar": "من يجب أن يفعل ماذا، ومتى.",
    },
    "label.mark": {"en": "Mark", "fr": "Marquage", "pt": "Classificação", "ar": "التصنيف"},
    "label.status": {"en": "Status", "fr": "Statut", "pt": "Estado", "ar": "الحالة"},
    "label.period": {"en": "Period", "fr": "Période", "pt": "Período", "ar": "الفترة"},
    "label.author": {"en": "Author", "fr": "Auteur", "pt": "Autor", "ar": "المؤلف"},
    "label.generated": {
        "en": "generated by the daily schedule",
        "fr": "générée par la planification quotidienne",
        "pt": "gerado pelo agendamento diário",
        "ar": "أُنشئ بواسطة الجدولة اليومية",
    },
    # statuses
    "status.draft": {"en": "Draft", "fr": "Brouillon", "pt": "Rascunho", "ar": "مسودة"},
    "status.reviewed": {"en": "Reviewed", "fr": "Relu", "pt": "Revisto", "ar": "تمت المراجعة"},
    "status.published": {"en": "Published", "fr": "Publié", "pt": "Publicado", "ar": "منشور"},
    # response options per situation type
    "response.escalating.1": {
        "en": "Preventive diplomacy: a good-offices mission or envoy to the authorities and "
        "parties in the escalating areas.",
        "fr": "Diplomatie préventive : mission de bons offices ou envoyé auprès des autorités "
        "et des parties dans les zones en escalade.",
        "pt": "Diplomacia preventiva: missão de bons ofícios ou enviado junto das autoridades "
        "e das partes nas zonas em escalada.",
        "ar": "الدبلوماسية الوقائية: بعثة مساعٍ حميدة أو مبعوث إلى السلطات والأطراف في "
        "المناطق التي تشهد تصعيدًا.",
    },
    "response.escalating.2": {
        "en": "Fact-finding: send a verification team to confirm the reported incidents.",
        "fr": "Établissement des faits : envoyer une équipe de vérification des incidents.",
        "pt": "Apuramento de factos: enviar uma equipa para verificar os incidentes.",
        "ar": "تقصي الحقائق: إرسال فريق للتحقق من الحوادث المبلغ عنها.",
    },
    "response.escalating.3": {
        "en": "Protection and humanitarian: alert protection actors and humanitarian "
        "coordination to prepare for displacement.",
        "fr": "Protection et humanitaire : alerter les acteurs de la protection et la "
        "coordination humanitaire en vue de déplacements.",
        "pt": "Proteção e humanitária: alertar os atores de proteção e a coordenação "
        "humanitária para possíveis deslocações.",
        "ar": "الحماية والعمل الإنساني: تنبيه جهات الحماية والتنسيق الإنساني للاستعداد "
        "لحالات النزوح.",
    },
    "response.high.1": {
        "en": "Mediation support: sustain dialogue between the parties with the region's "
        "mediators.",
        "fr": "Appui à la médiation : maintenir le dialogue entre les parties avec les "
        "médiateurs de la région.",
        "pt": "Apoio à mediação: manter o diálogo entre as partes com os mediadores da região.",
        "ar": "دعم الوساطة: مواصلة الحوار بين الأطراف بمساعدة وسطاء المنطقة.",
    },
    "response.high.2": {
        "en": "Security: review the posture of regional and national forces around the hotspots.",
        "fr": "Sécurité : réexaminer le dispositif des forces régionales et nationales "
        "autour des points chauds.",
        "pt": "Segurança: rever o dispositivo das forças regionais e nacionais em torno dos "
        "pontos críticos.",
        "ar": "الأمن: مراجعة انتشار القوات الإقليمية والوطنية حول بؤر التوتر.",
    },
    "response.calm.1": {
        "en": "Monitoring: keep field monitors reporting weekly; no escalation is flagged.",
        "fr": "Veille : maintenir les rapports hebdomadaires des moniteurs ; aucune escalade "
        "n'est signalée.",
        "pt": "Monitorização: manter os relatórios semanais dos monitores; nenhuma escalada "
        "assinalada.",
        "ar": "الرصد: مواصلة التقارير الأسبوعية للراصدين الميدانيين؛ لم يُرصد أي تصعيد.",
    },
    "response.calm.2": {
        "en": "Structural prevention: support local peace infrastructure and dialogue.",
        "fr": "Prévention structurelle : soutenir les infrastructures locales de paix et le "
        "dialogue.",
        "pt": "Prevenção estrutural: apoiar as infraestruturas locais de paz e o diálogo.",
        "ar": "الوقاية الهيكلية: دعم البنى المحلية للسلام والحوار.",
    },
}

# Response options per situation type: a short, fixed list the analyst then edits.
RESPONSE_OPTIONS = {
    "escalating": ["response.escalating.1", "response.escalating.2", "response.escalating.3"],
    "high": ["response.high.1", "response.high.2"],
    "calm": ["response.calm.1", "response.calm.2"],
    # No source covers the period: the first response is to find out.
    "unknown": ["response.unknown.1", "response.unknown.2"],
}


def phrase(key: str, language: str, **values: Any) -> str:
    """The phrase `key` in `language` (English when missing), with `values` filled in."""
    forms = PHRASES[key]
    text = forms.get(language) or forms["en"]
    return text.format(**values) if values else text


def direction(language: str) -> str:
    """'rtl' for right-to-left languages, else 'ltr': the `dir` of a rendered product."""
    return "rtl" if language in RTL_LANGUAGES else "ltr"
