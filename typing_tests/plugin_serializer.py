"""Serializer projections (R2.17, R2.18, R6.10) reported by the plugin (R18.2)."""

from lightapi import Field, HttpMethod, RestEndpoint, Serializer


class UnknownNameEndpoint(RestEndpoint):
    title: str

    class Meta:
        serializer = Serializer(read=["title", "rating"])  # E: LA201 error: UnknownNameEndpoint.Meta.serializer: 'rating' in read= is not a field of UnknownNameEndpoint  [lightapi] # N: hint: add the field or remove the name


class ExcludedNameEndpoint(RestEndpoint):
    title: str
    scratch: str = Field(default="", exclude=True)

    class Meta:
        serializer = Serializer(fields=["title", "scratch"])  # E: LA202 error: ExcludedNameEndpoint.Meta.serializer: 'scratch' in fields= is excluded and never serialized  [lightapi] # N: hint: remove the name # E: LA503 warning: ExcludedNameEndpoint.Meta.serializer: write= omits 'version'; clients need it for the next PUT  [lightapi] # N: hint: add 'version', or rely on the ETag header


class BothFormsEndpoint(RestEndpoint):
    title: str

    class Meta:
        serializer = Serializer(fields=["title"], read=["title"])  # E: LA203 error: BothFormsEndpoint.Meta.serializer: Serializer sets fields= together with read=/write=  [lightapi] # N: hint: use one form # E: LA503 warning: BothFormsEndpoint.Meta.serializer: write= omits 'version'; clients need it for the next PUT  [lightapi] # N: hint: add 'version', or rely on the ETag header


class NotASerializer:
    title: str


class WrongKindEndpoint(RestEndpoint):
    title: str

    class Meta:
        serializer = NotASerializer  # E: LA204 error: WrongKindEndpoint.Meta.serializer: Meta.serializer must be a Serializer, got NotASerializer  [lightapi] # N: hint: wrap the names in Serializer(...)


class ListedTwice(Serializer):
    read = ["title", "title"]  # E: LA205 warning: TwiceEndpoint.Meta.serializer: 'title' is listed twice in read=  [lightapi] # N: hint: remove the duplicate


class TwiceEndpoint(RestEndpoint):
    title: str

    class Meta:
        serializer = ListedTwice


class EmptyEndpoint(RestEndpoint):
    title: str

    class Meta:
        serializer = Serializer(read=[])  # E: LA206 warning: EmptyEndpoint.Meta.serializer: read= is empty; responses will be {}  [lightapi] # N: hint: list at least one field


class NoVersionEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.PATCH):
    title: str

    class Meta:
        serializer = Serializer(write=["id", "title"])  # E: LA503 warning: NoVersionEndpoint.Meta.serializer: write= omits 'version'; clients need it for the next PUT  [lightapi] # N: hint: add 'version', or rely on the ETag header


class ReadAndWrite(Serializer):
    read = ["id", "title"]
    write = ["id", "title", "version"]


class FineEndpoint(RestEndpoint):
    """A class form and a call of a subclass: nothing to report."""

    title: str

    class Meta:
        serializer = ReadAndWrite


class FineCallEndpoint(RestEndpoint):
    title: str

    class Meta:
        serializer = ReadAndWrite(read=["title"])
