"""The facts the program page shows, read in one go from the program database."""

from __future__ import annotations

from dataclasses import dataclass

from bot.database.db import session_factory
from bot.knowledge.catalog import (
    Career,
    EnrollmentPolicy,
    Program,
    catalog_session,
    read_career,
    read_enrollment_policy,
    read_programs,
)


@dataclass(frozen=True)
class PageContent:
    career: Career
    programs: tuple[Program, ...]
    enrollment: EnrollmentPolicy


def read_page_content(database_url: str) -> PageContent:
    """Everything the page needs; raises `bot.knowledge.catalog.CatalogUnavailable` if it cannot be
    read.

    Read on every request, so a reseeded fact shows up on the next page load, as it does in
    the assistant's next answer.
    """
    with catalog_session(session_factory(database_url)) as session:
        return PageContent(
            career=read_career(session),
            programs=read_programs(session),
            enrollment=read_enrollment_policy(session),
        )
