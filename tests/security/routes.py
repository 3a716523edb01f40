"""Discovery: every URL pattern of the project (API routes included), with the parameters it takes.

A route "takes an object identifier" when its pattern has a parameter (a UUID, a dossier code, a
procedure code, an admin object id…). The access matrix needs a case for each of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or "<unnamed> path" when the pattern has no name
    path: str  # the pattern text, prefixes joined
    params: tuple[str, ...]
    view: str  # dotted name of the callback

    @property
    def takes_identifier(self) -> bool:
        return bool(self.params)


def _params(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return list(pattern.regex.groupindex)
    return []


def all_routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str | None, params: list[str]):
        for entry in patterns:
            here = params + _params(entry.pattern)
            text = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = entry.namespace
                joined = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(entry.url_patterns, text, joined, here)
            elif isinstance(entry, URLPattern):
                if entry.name:
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                else:
                    name = f"<unnamed> {text}"
                callback = entry.callback
                view = f"{getattr(callback, '__module__', '')}.{getattr(callback, '__name__', '')}"
                found.append(Route(name=name, path=text, params=tuple(here), view=view))

    walk(get_resolver().url_patterns, "", None, [])
    return found


def identifier_routes() -> dict[str, Route]:
    """Routes taking a parameter, by name (the first pattern wins when a name repeats)."""
    routes: dict[str, Route] = {}
    for route in all_routes():
        if route.takes_identifier:
            routes.setdefault(route.name, route)
    return routes
