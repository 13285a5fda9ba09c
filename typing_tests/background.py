"""R18.3 without the plugin: ``self.background(fn, *args, **kwargs)`` holds the arguments
against ``fn``'s parameters (R13.4), for sync and async functions alike."""

from typing import Any

from lightapi import RestEndpoint


def send_mail(address: str, subject: str = "", *, retries: int = 3) -> bool:
    return True


async def reindex(order_id: int) -> None:
    pass


class OrderEndpoint(RestEndpoint):
    total: int = 0

    def post(self, request: Any) -> dict[str, Any]:
        self.background(send_mail, "a@example.com")
        self.background(send_mail, "a@example.com", "Order", retries=5)
        self.background(send_mail, address="a@example.com")
        self.background(reindex, 7)
        self.background(print, "done", flush=True)
        self.background(send_mail)  # E: Missing positional argument "address" in call to "background" of "RestEndpoint"  [call-arg]
        self.background(send_mail, 1)  # E: Argument 2 to "background" of "RestEndpoint" has incompatible type "int"; expected "str"  [arg-type]
        self.background(send_mail, "a@example.com", retries="5")  # E: Argument "retries" to "background" of "RestEndpoint" has incompatible type "str"; expected "int"  [arg-type]
        self.background(send_mail, "a@example.com", tries=5)  # E: Unexpected keyword argument "tries" for "background" of "RestEndpoint" # N: "background" defined in "lightapi.rest"
        self.background(reindex, 7, 8)  # E: Too many arguments for "background" of "RestEndpoint"  [call-arg]
        self.background(reindex(7))  # E: Argument 1 to "background" of "RestEndpoint" has incompatible type "Coroutine[Any, Any, None]"; expected "Callable[[], object]"  [arg-type]
        return {}
