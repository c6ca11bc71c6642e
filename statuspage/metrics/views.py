"""GET /metrics: the Prometheus text exposition of every process's counts
(added up from PROMETHEUS_MULTIPROC_DIR) and the engine's current state."""

from collections.abc import Iterable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from statuspage.metrics.access import Access, check
from statuspage.metrics.state import EngineState


def registry() -> CollectorRegistry:
    collected = CollectorRegistry()
    try:
        MultiProcessCollector(collected)  # type: ignore[no-untyped-call]
    except ValueError:  # no PROMETHEUS_MULTIPROC_DIR: this process's own counts
        collected = CollectorRegistry()
        collected.register(_ThisProcess())
    collected.register(EngineState())
    return collected


class _ThisProcess(Collector):
    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    access = check(request)
    if access is Access.OFF:
        raise Http404("Metrics are off: set METRICS_TOKEN or METRICS_ALLOWED_NETWORKS.")
    if access is Access.UNAUTHENTICATED:
        refused = JsonResponse(
            {"detail": "Send Authorization: Bearer <METRICS_TOKEN>."}, status=401
        )
        refused["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refused
    if access is Access.REFUSED:
        return JsonResponse({"detail": "Your address may not read the metrics."}, status=403)
    # The format the scraper asks for in Accept (Prometheus text, or OpenMetrics).
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    response = HttpResponse(encode(registry()), content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response
