"""The data directory (``VANTAGE_HOME``): its layout, secrets and initialisation.

``vantage init`` creates the directory and generates the admin token into ``secrets.json``
(mode 0600). Secrets are never printed in logs; ``repr`` of :class:`Secrets` hides them.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from vantage.core.errors import ConfigError, NotInitialisedError
from vantage.core.settings import Settings

SECRETS_FILE = "secrets.json"
DEFAULT_ADMIN_TOKEN = "changethis"


@dataclass(frozen=True)
class Secrets:
    """Generated secrets of one workspace."""

    admin_token: str = field(repr=False)


@dataclass(frozen=True)
class Workspace:
    """Paths of one data directory.

    Args:
        home: The data directory.
    """

    home: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> Workspace:
        """The workspace that ``settings.home`` points at."""
        return cls(Path(settings.home))

    @property
    def secrets_path(self) -> Path:
        """Where the generated secrets live."""
        return self.home / SECRETS_FILE

    @property
    def server_file(self) -> Path:
        """Written by a running ``vantage serve``: its pid, address and port."""
        return self.home / "server.json"

    def is_initialised(self) -> bool:
        """Whether ``vantage init`` has run here."""
        return self.secrets_path.is_file()

    def init(self) -> tuple[Secrets, bool]:
        """Create the directory and secrets unless they exist.

        Returns:
            The secrets and whether they were created now.
        """
        self.home.mkdir(parents=True, exist_ok=True)
        if self.is_initialised():
            return self.secrets(), False
        created = Secrets(admin_token=secrets.token_urlsafe(32))
        fd = os.open(self.secrets_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"admin_token": created.admin_token}, handle)
        return created, True

    def secrets(self) -> Secrets:
        """Read the generated secrets.

        Raises:
            NotInitialisedError: ``vantage init`` has not run for this data directory.
        """
        if not self.is_initialised():
            raise NotInitialisedError(
                f"No Vantage workspace at {self.home.resolve()}.",
                "Run `vantage init` (or set VANTAGE_HOME to an initialised data directory).",
            )
        data = json.loads(self.secrets_path.read_text())
        return Secrets(admin_token=str(data["admin_token"]))

    def admin_token(self, settings: Settings) -> str:
        """The admin token: from settings when set, else the generated one, else the default."""
        if settings.admin_token is not None:
            return settings.admin_token.get_secret_value()
        if self.is_initialised():
            return self.secrets().admin_token
        return DEFAULT_ADMIN_TOKEN


def check_safe_to_serve(settings: Settings, host: str) -> None:
    """Refuse to listen on a non-loopback address while secrets are the defaults.

    Args:
        settings: Current settings.
        host: The address the server will bind to.

    Raises:
        ConfigError: Binding off loopback with the default admin token or no workspace.
    """
    probe = settings.model_copy(update={"host": host})
    if probe.is_loopback:
        return
    token = Workspace.from_settings(settings).admin_token(settings)
    if token == DEFAULT_ADMIN_TOKEN:
        raise ConfigError(
            f"Refusing to listen on {host} with the default admin token.",
            "Run `vantage init` to generate secrets, or set VANTAGE_ADMIN_TOKEN, "
            "or listen on 127.0.0.1.",
        )
