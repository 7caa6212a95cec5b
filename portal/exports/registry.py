"""The kinds of export the portal can make; apps register theirs (review.reports registers 附件1–3 and
the photo archive) and the export framework (views, task, download) works with any of them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from portal.exports.base import XLSX_CONTENT_TYPE, ProgressCallback


@dataclass(frozen=True)
class Offer:
    """One button of the export page: a kind with ready-made parameters (posted as hidden fields),
    or, with `url`, a link to a page where the user chooses (e.g. a list of entries to tick)."""

    kind: str
    label: str
    params: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    group: str = ""
    url: str = ""


class ExportKind(ABC):
    """Base class of an export kind. Subclasses set `slug`, `label` and `extension`, and implement:

    - `available_to(user)`: whether the kind is offered to the user at all;
    - `clean_params(user, data)`: turn posted data (a QueryDict or a dict of lists) into JSON-safe
      params, raising Refused for anything invalid or outside the user's scope;
    - `allowed(user, params)`: whether the user may (still) have this export; asked when the job is
      requested, when the task runs and again at every download, so a role taken away in the meantime
      takes the file away too;
    - `download_name(params)`: the file name the user sees;
    - `ascii_download_name(params, on)`: the ASCII name old clients save it under (the Content-Disposition
      `filename`), `ascii_slug` and the date by default, so it never folds to "--20261201.zip";
    - `generate(params, user, out, progress)`: write the file into the binary stream `out`, calling
      `progress(done, total)` now and then; it must go through entries_for_user like every query;
    - `offers(user)` (optional): ready-made buttons for the export page.
    """

    slug = ""
    label = ""
    ascii_slug = ""  # e.g. "fujian2-summary"; the slug when empty
    extension = "xlsx"
    content_type = XLSX_CONTENT_TYPE

    @abstractmethod
    def available_to(self, user) -> bool:
        """See the class docstring."""

    @abstractmethod
    def clean_params(self, user, data: Mapping) -> dict[str, Any]:
        """See the class docstring."""

    @abstractmethod
    def allowed(self, user, params: Mapping[str, Any]) -> bool:
        """See the class docstring."""

    def download_name(self, params: Mapping[str, Any]) -> str:
        return f"{self.label}.{self.extension}"

    def ascii_download_name(self, params: Mapping[str, Any], on: date) -> str:
        return f"{self.ascii_slug or self.slug}-{on:%Y%m%d}.{self.extension}"

    @abstractmethod
    def generate(self, params: Mapping[str, Any], user, out: BinaryIO, progress: ProgressCallback) -> None:
        """See the class docstring."""

    def offers(self, user) -> list[Offer]:
        return []


_kinds: dict[str, ExportKind] = {}


def register_export_kind(kind: type[ExportKind] | ExportKind):
    """Register an export kind (a class is instantiated); usable as a class decorator."""
    instance = kind() if isinstance(kind, type) else kind
    if not instance.slug:
        raise ValueError("an export kind needs a slug")
    _kinds[instance.slug] = instance
    return kind


def get_export_kind(slug: str) -> ExportKind | None:
    return _kinds.get(slug)


def export_kinds() -> list[ExportKind]:
    return list(_kinds.values())


def unregister_export_kind(slug: str) -> None:
    _kinds.pop(slug, None)
