"""An abstract endpoint and a Serializer subclass, used by endpoints of another module."""

from lightapi import Field, RestEndpoint, Serializer


class TitleTwice(Serializer):
    read = ["title", "title"]


class TitledEndpoint(RestEndpoint):
    _base_only = True
    title: str = Field(min_length=1)

    class Meta:
        serializer = TitleTwice
