"""Declarations inherited across modules are checked where the endpoint is defined (R18.1)."""

from lightapi import Filtering, RestEndpoint
from typing_tests.plugin_inheritance.base import TitledEndpoint, TitleTwice
from typing_tests.plugin_inheritance.mixins import Stamped


class ChildEndpoint(TitledEndpoint):  # E: LA205 warning: ChildEndpoint.Meta.serializer: 'title' is listed twice in read=  [lightapi] # N: hint: remove the duplicate
    pass


# Problems located in another file are reported at the class statement.
class OtherEndpoint(RestEndpoint):  # E: LA201 error: OtherEndpoint.Meta.serializer: 'title' in read= is not a field of OtherEndpoint  [lightapi] # N: hint: add the field or remove the name # E: LA205 warning: OtherEndpoint.Meta.serializer: 'title' is listed twice in read=  [lightapi] # N: hint: remove the duplicate
    body: str

    class Meta:
        serializer = TitleTwice


class StampedEndpoint(RestEndpoint, Stamped):
    body: str

    class Meta:
        # The mixin's fields could carry Field(exclude=True), which mypy's cache does not keep:
        # names are not judged, so a typo goes to lightapi check.
        filtering = Filtering(fields=["stamp", "bodyy"])
