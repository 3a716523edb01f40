"""The home page's entry points and the quick search over them.

Each entry point names the URL that the app building it will register. Until that URL exists the
card says the service is coming instead of linking to a 404: the home page stays honest while
later issues fill the pages in.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.text import fold


@dataclass(frozen=True)
class EntryPoint:
    key: str
    title: str | Promise
    description: str | Promise
    icon: str  # a Bootstrap Icons name
    url_name: str
    keywords: str = ""  # extra words the quick search matches (Vietnamese, folded at query time)
    fallback_url: str = ""  # where to go while `url_name` does not exist yet (e.g. a phone number)
    nav_title: str | Promise = ""  # a shorter label for the header navigation

    @property
    def short_title(self) -> str | Promise:
        return self.nav_title or self.title


ENTRY_POINTS: tuple[EntryPoint, ...] = (
    EntryPoint(
        key="procedures",
        title=_("Thủ tục hành chính"),
        description=_("Tìm thủ tục, giấy tờ cần nộp, thời hạn và lệ phí."),
        icon="journal-text",
        url_name="procedures:list",
        # "Thủ tục" alone is one procedure on a receipt, the catalogue in the menu (issue #26).
        nav_title=pgettext_lazy("menu", "Thủ tục"),
        keywords="thu tuc danh muc nop ho so le phi giay to",
    ),
    EntryPoint(
        key="lookup",
        title=_("Tra cứu hồ sơ"),
        description=_("Xem tình trạng hồ sơ bằng mã hồ sơ trên giấy biên nhận."),
        icon="search",
        url_name="dossiers:lookup",
        keywords="tra cuu ma ho so tinh trang tien do bien nhan",
    ),
    EntryPoint(
        key="my_page",
        title=_("Trang của tôi"),
        description=_("Hồ sơ của bạn, kho dữ liệu cá nhân và thông báo."),
        icon="person-circle",
        url_name="portal:my_page",
        keywords="ca nhan tai khoan ho so cua toi kho du lieu thong bao",
    ),
    EntryPoint(
        key="field_report",
        title=_("Phản ánh hiện trường 1022"),
        description=_("Báo sự cố, vi phạm hoặc kiến nghị tại nơi bạn sống."),
        icon="megaphone",
        url_name="helpdesk:report_new",
        nav_title=_("Phản ánh 1022"),
        keywords="phan anh kien nghi hien truong 1022 su co",
        fallback_url=f"tel:{settings.HOTLINE_1022}",
    ),
    EntryPoint(
        key="questions",
        title=_("Hỏi đáp"),
        description=_("Đặt câu hỏi và xem câu trả lời của cơ quan nhà nước."),
        icon="chat-dots",
        url_name="helpdesk:faq",
        keywords="hoi dap cau hoi tra loi",
    ),
)


# "My page": the citizen's own things, each owned by the app that registers its URL name.
MY_PAGE_LINKS: tuple[EntryPoint, ...] = (
    EntryPoint(
        key="my_dossiers",
        title=_("Hồ sơ của tôi"),
        description=_("Hồ sơ nháp, đã nộp và kết quả."),
        icon="folder2-open",
        url_name="dossiers:mine",
    ),
    EntryPoint(
        key="my_documents",
        title=_("Kho dữ liệu cá nhân"),
        description=_("Giấy tờ đã lưu để dùng lại khi nộp hồ sơ."),
        icon="archive",
        url_name="documents:list",
    ),
    EntryPoint(
        key="my_notifications",
        title=_("Thông báo"),
        description=_("Tin nhắn của cơ quan về hồ sơ của bạn."),
        icon="bell",
        url_name="notifications:inbox",
    ),
    EntryPoint(
        key="my_payments",
        title=_("Thanh toán"),
        description=_("Phí, lệ phí đã nộp và biên lai điện tử."),
        icon="credit-card",
        url_name="payments:mine",
    ),
    EntryPoint(
        key="my_reports",
        title=_("Phản ánh của tôi"),
        description=_("Phản ánh hiện trường đã gửi và kết quả xử lý."),
        icon="megaphone",
        url_name="helpdesk:my_reports",
    ),
    EntryPoint(
        key="my_questions",
        title=_("Câu hỏi của tôi"),
        description=_("Câu hỏi đã gửi và câu trả lời."),
        icon="chat-dots",
        url_name="helpdesk:my_questions",
    ),
    EntryPoint(
        key="my_profile",
        title=_("Thông tin cá nhân"),
        description=_("Họ tên, địa chỉ, số định danh dùng để điền sẵn biểu mẫu."),
        icon="person-vcard",
        url_name="accounts:profile",
    ),
    EntryPoint(
        key="my_identity",
        title=_("Định danh và ủy quyền"),
        description=_("Tài khoản định danh điện tử, tổ chức và người được ủy quyền."),
        icon="shield-check",
        url_name="identity:overview",
    ),
)


@dataclass(frozen=True)
class ResolvedEntryPoint:
    entry: EntryPoint
    url: str  # empty when the service is not built yet and has no fallback
    available: bool  # the page behind it exists


def resolve(entry: EntryPoint) -> ResolvedEntryPoint:
    url = _reversed(entry.url_name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    if url:
        return ResolvedEntryPoint(entry=entry, url=url, available=True)
    return ResolvedEntryPoint(entry=entry, url=entry.fallback_url, available=False)


@functools.lru_cache(maxsize=512)
def _reversed(url_name: str, root_urlconf: str, urlconf: str | None, prefix: str) -> str:
    """The URL of a name ("" when it does not exist), remembered: every page's navigation
    resolves the same entry points, and `reverse` is one of the costlier steps of a page."""
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return ""


def entry_points() -> list[ResolvedEntryPoint]:
    return [resolve(entry) for entry in ENTRY_POINTS]


def my_page_links() -> list[ResolvedEntryPoint]:
    """The links of "my page" whose pages exist (nothing there says "coming soon")."""
    return [item for item in map(resolve, MY_PAGE_LINKS) if item.available]


def entry_points_matching(query: str) -> list[ResolvedEntryPoint]:
    """Entry points whose title, description or keywords contain every word of the query,
    ignoring accents and case (`"tra cuu"` finds "Tra cứu hồ sơ")."""
    words = fold(query).split()
    if not words:
        return []
    matches = []
    for resolved in entry_points():
        entry = resolved.entry
        haystack = fold(f"{entry.title} {entry.description} {entry.keywords}")
        if all(word in haystack for word in words):
            matches.append(resolved)
    return matches


def procedures_search_url() -> str:
    """The catalogue's search page; its prefix is fixed in portal/urls.py even before it exists."""
    try:
        return reverse("procedures:list")
    except NoReverseMatch:
        return "/thu-tuc/"
