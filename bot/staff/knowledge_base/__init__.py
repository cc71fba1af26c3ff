"""The school's knowledge base, the office's side: answers the office writes in the console for
questions the catalog does not cover, which the assistant gives once they are published.

`service` lists, searches, creates, edits, publishes, unpublishes and reverts; `checks` cleans
and checks a form (title, answer, link, phrasings one per line) the way the schema limits it;
`writes` is the one way an entry is written, appending its history row and bumping the revision
the Rasa server's matcher polls in the same transaction (bot/database/models/knowledge_base.py);
`csv_files` exports every entry and imports a file all or nothing; `seed` adds the shipped
career-guide entries (career_guide.yml) without overwriting what the office changed; `preview`
is the text a student reads for an entry; `records` is what they hand back. The console's pages
(bot/console/knowledge_base*.py), the command line and the tests use the names below. May
import what `bot.staff` may.
"""

from bot.staff.knowledge_base.checks import checked, link_problem, phrasing_list
from bot.staff.knowledge_base.csv_files import (
    EXPORT_COLUMNS,
    IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS,
    export_csv,
    import_csv,
)
from bot.staff.knowledge_base.preview import SOURCE, reply_text
from bot.staff.knowledge_base.records import (
    NO_ACCOUNT,
    Change,
    Entry,
    EntryForm,
    EntryNotFound,
    EntryRefused,
    EntrySummary,
    EntryValues,
    ImportRefused,
    ImportResult,
)
from bot.staff.knowledge_base.seed import CAREER_GUIDE_PATH, SeedFileError, seed_career_guide
from bot.staff.knowledge_base.service import (
    create_entry,
    edit_entry,
    get_change,
    get_entry,
    list_entries,
    publish,
    revert_change,
    unpublish,
)
from bot.staff.knowledge_base.writes import revision

__all__ = [
    "CAREER_GUIDE_PATH",
    "EXPORT_COLUMNS",
    "IMPORT_MAX_BYTES",
    "IMPORT_MAX_ROWS",
    "NO_ACCOUNT",
    "SOURCE",
    "Change",
    "Entry",
    "EntryForm",
    "EntryNotFound",
    "EntryRefused",
    "EntrySummary",
    "EntryValues",
    "ImportRefused",
    "ImportResult",
    "SeedFileError",
    "checked",
    "create_entry",
    "edit_entry",
    "export_csv",
    "get_change",
    "get_entry",
    "import_csv",
    "link_problem",
    "list_entries",
    "phrasing_list",
    "publish",
    "reply_text",
    "revert_change",
    "revision",
    "seed_career_guide",
    "unpublish",
]
