"""One connector per source API or feed, looked up by `SourceFeed.connector`."""

from vigil.events.connectors.acled import AcledConnector
from vigil.events.connectors.base import Connector, NotConfigured, Page
from vigil.events.connectors.cap import CapFeedConnector
from vigil.events.connectors.gdelt import GdeltConnector
from vigil.events.connectors.http import Http, SourceUnavailable
from vigil.events.connectors.odk import OdkConnector
from vigil.events.connectors.ucdp import UcdpConnector

CONNECTORS: dict[str, type[Connector]] = {
    cls.kind: cls
    for cls in (
        UcdpConnector,
        AcledConnector,
        GdeltConnector,
        CapFeedConnector,
        OdkConnector,
    )
}

__all__ = ["CONNECTORS", "Connector", "Http", "NotConfigured", "Page", "SourceUnavailable"]
