"""The subcommands of ``lightapi`` (SPEC §4): each module runs one command and returns its exit
code. ``lightapi.cli`` imports them only when their command runs."""
