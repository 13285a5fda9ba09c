"""Meta options, verb overrides and querysets (R2.16-R2.23) reported by the plugin (R18.2)."""

from typing import Any

from lightapi import HttpMethod, RestEndpoint


class TypoEndpoint(RestEndpoint):
    title: str

    class Meta:
        paginaton = 3  # E: LA101 error: TypoEndpoint.Meta.paginaton: unknown Meta option 'paginaton'  [lightapi] # N: hint: did you mean 'pagination'?


class WrongKindEndpoint(RestEndpoint):
    title: str

    class Meta:
        pagination = 20  # E: LA102 error: WrongKindEndpoint.Meta.pagination: Meta.pagination must be a Pagination, got int  [lightapi] # N: hint: construct the option record


class VerbNotAllowedEndpoint(RestEndpoint, HttpMethod.GET):
    title: str

    def put(self, request: Any) -> Any:  # E: LA105 warning: VerbNotAllowedEndpoint.put: put() is defined but PUT is not an allowed method  [lightapi] # N: hint: add HttpMethod.PUT or remove put()
        return None


class BadSignatureEndpoint(RestEndpoint):
    title: str

    def get(self) -> Any:  # E: LA106 error: BadSignatureEndpoint.get: get() must accept (self, request)  [lightapi] # N: hint: fix the signature
        return None


class BothTwinsEndpoint(RestEndpoint):
    title: str

    def list(self, request: Any) -> Any:  # E: LA106 error: BothTwinsEndpoint.list: list() and _list_async() are both overridden  [lightapi] # N: hint: override only one of them
        return None

    async def _list_async(self, request: Any) -> Any:
        return None


class StringQuerysetEndpoint(RestEndpoint):
    title: str
    queryset = "SELECT * FROM books"  # E: LA107 error: StringQuerysetEndpoint.queryset: queryset must be a method or a Select, got str  [lightapi] # N: hint: define def queryset(self, request)


class FineEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.POST):
    """Overrides with the right signatures, sync and async: nothing to report."""

    title: str

    async def get(self, request: Any) -> Any:
        return await self._list_async(request)

    def post(self, request: Any, *rest: Any) -> Any:
        return None

    def queryset(self, request: Any) -> Any:
        return None

    class Meta:
        table = "fine_meta"
        description = "Fine"
        tags = ["a", "b"]
        reflect = False
