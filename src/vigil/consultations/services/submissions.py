"""Writes on calls for submissions and papers: only accredited CSOs, only while a call is
open, within the word limit, at most once per idempotency key."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.actors.models import Organisation
from vigil.consultations import selectors
from vigil.consultations.choices import (
    PaperStatus,
    Privilege,
)
from vigil.consultations.models import (
    CallForSubmissions,
    Meeting,
    Recommendation,
    ReviewStep,
    Submission,
)
from vigil.consultations.services.meetings import require_secretariat
from vigil.sharing.choices import TLP

MAX_PAPER_BYTES = 10 * 1024 * 1024
# Papers are PDF or office documents; the first bytes must agree with the declared type.
PAPER_SIGNATURES = {
    "application/pdf": b"%PDF-",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": b"PK\x03\x04",
    "application/vnd.oasis.opendocument.text": b"PK\x03\x04",
}
WORD = re.compile(r"\S+")


def count_words(*texts: str) -> int:
    """Words as a reader counts them: runs of non-space characters."""
    return sum(len(WORD.findall(text or "")) for text in texts)


# -- calls and submissions ------------------------------------------------------------------


@transaction.atomic
def open_call(
    *,
    meeting: Meeting,
    actor: Any,
    topic: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    word_limit: int,
    description: str = "",
    max_recommendations: int = 10,
    tlp: str = TLP.CLEAR,
) -> CallForSubmissions:
    """Invite accredited CSOs to send papers on a topic before a meeting."""
    require_secretariat(actor, meeting.body)
    call = CallForSubmissions(
        meeting=meeting,
        owner_org_id=meeting.owner_org_id,
        tlp=tlp,
        topic=topic,
        description=description,
        opens_at=opens_at,
        closes_at=closes_at,
        word_limit=word_limit,
        max_recommendations=max_recommendations,
        created_by=actor,
    )
    errors: dict[str, str] = {}
    if word_limit < 1:
        errors["word_limit"] = _("A word limit is at least one word.")
    if closes_at <= opens_at:
        errors["closes_at"] = _("A call closes after it opens.")
    elif closes_at > meeting.starts_at:
        errors["closes_at"] = _("A call closes before its meeting starts.")
    if errors:
        raise ValidationError(errors)
    call.full_clean()
    call.save()
    return call


@dataclass
class PaperInput:
    """What a CSO sends: a titled paper (text and/or file) and its recommendations."""

    title: str
    text: str = ""
    recommendations: list[str] | None = None
    tlp: str = TLP.GREEN

    def cleaned_recommendations(self) -> list[str]:
        return [item.strip() for item in self.recommendations or [] if item and item.strip()]


def submitting_organisation(actor: Any, organisation_id: int | None = None) -> Organisation:
    """The CSO a person submits for: the one named, or their only one."""
    organisations = selectors.cso_organisations(actor)
    if organisation_id is not None:
        for organisation in organisations:
            if organisation.pk == organisation_id:
                return organisation
        raise PermissionDenied(_("You do not act for this civil-society organisation."))
    if len(organisations) != 1:
        raise ValidationError(
            {"organisation": _("Say which organisation you submit for.")}
            if organisations
            else {"organisation": _("Only members of an accredited CSO can submit papers.")}
        )
    return organisations[0]


def validate_paper(
    call: CallForSubmissions, paper: PaperInput, *, has_file: bool, word_limit: int | None = None
) -> int:
    """Refuse what the call does not accept, naming each field; return the word count.

    `word_limit` is the limit in force for this CSO (the call's, or its registration's if
    lower); the call's own limit by default."""
    limit = word_limit or call.word_limit
    errors: dict[str, str] = {}
    recommendations = paper.cleaned_recommendations()
    if not paper.title.strip():
        errors["title"] = _("Give the paper a title.")
    if not paper.text.strip() and not has_file:
        errors["text"] = _("Write the paper or attach it as a file.")
    words = count_words(paper.text, *recommendations)
    if words > limit:
        errors["text"] = _(
            "The paper and its recommendations have %(words)d words; at most %(limit)d are "
            "accepted. Shorten it by %(over)d words."
        ) % {"words": words, "limit": limit, "over": words - limit}
    if len(recommendations) > call.max_recommendations:
        errors["recommendations"] = _(
            "This call accepts at most %(limit)d recommendations; you gave %(count)d."
        ) % {"limit": call.max_recommendations, "count": len(recommendations)}
    if paper.tlp not in TLP.values:
        errors["tlp"] = _("Choose a TLP mark.")
    if errors:
        raise ValidationError(errors)
    return words


def submit_paper(
    *,
    actor: Any,
    call: CallForSubmissions,
    paper: PaperInput,
    organisation_id: int | None = None,
    file: UploadedFile | None = None,
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> tuple[Submission, bool]:
    """Accept a paper at most once. Returns (submission, created): a resend with the same
    idempotency key returns the first submission and creates nothing.

    Only a CSO accredited to the body's regional organisation with the privilege to submit
    written input may submit, while the call is open, within its word limit."""
    organisation = submitting_organisation(actor, organisation_id)
    if idempotency_key:
        existing = Submission.objects.filter(
            owner_org=organisation, idempotency_key=idempotency_key
        ).first()
        if existing:
            return existing, False
    body = call.meeting.body
    if not selectors.holds_privilege_for(organisation, body, Privilege.SUBMIT_WRITTEN_INPUT):
        raise PermissionDenied(
            _("%(org)s is not accredited to %(ro)s with the privilege to submit written input.")
            % {"org": organisation.name, "ro": body.regional_organisation_id}
        )
    now = now or timezone.now()
    if not call.is_open(now):
        raise ValidationError(
            {
                "call": _("This call opens on %(date)s.")
                % {"date": timezone.localtime(call.opens_at).strftime("%Y-%m-%d %H:%M")}
                if now < call.opens_at
                else _("This call closed on %(date)s.")
                % {"date": timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")}
            }
        )
    words = validate_paper(
        call,
        paper,
        has_file=file is not None,
        word_limit=selectors.word_limit_for(organisation, call),
    )
    try:
        with transaction.atomic():
            submission = Submission(
                call=call,
                owner_org=organisation,
                tlp=paper.tlp,
                submitted_by=actor,
                idempotency_key=idempotency_key,
                title=paper.title.strip(),
                text=paper.text.strip(),
                word_count=words,
            )
            if file is not None:
                _attach_paper(submission, file)
            submission.save()
            for position, text in enumerate(paper.cleaned_recommendations(), start=1):
                Recommendation.objects.create(
                    submission=submission,
                    position=position,
                    text=text,
                    owner_org=organisation,
                    tlp=paper.tlp,
                )
            ReviewStep.objects.create(
                submission=submission, to_status=PaperStatus.IN_REVIEW, actor=actor
            )
    except IntegrityError:
        # A concurrent resend with the same key won the race: answer with its submission.
        if idempotency_key:
            existing = Submission.objects.filter(
                owner_org=organisation, idempotency_key=idempotency_key
            ).first()
            if existing:
                return existing, False
        raise
    return submission, True


def _attach_paper(submission: Submission, upload: UploadedFile) -> None:
    if upload.size is None or upload.size > MAX_PAPER_BYTES:
        raise ValidationError({"file": _("%(name)s: larger than 10 MB.") % {"name": upload.name}})
    head = upload.read(8)
    upload.seek(0)
    signature = PAPER_SIGNATURES.get(upload.content_type or "")
    if signature is None or not head.startswith(signature):
        raise ValidationError(
            {
                "file": _("%(name)s: only PDF, Word (.docx) and OpenDocument (.odt) papers.")
                % {"name": upload.name}
            }
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    submission.file_sha256 = digest.hexdigest()
    submission.file_name = (upload.name or "paper")[:255]
    submission.file_content_type = upload.content_type or ""
    submission.file.save(submission.file_sha256, upload, save=False)
