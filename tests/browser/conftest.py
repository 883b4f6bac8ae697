import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
_axe = Axe()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: Playwright cannot download its own browser here.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "viewport": {"width": 1280, "height": 900}}


def assert_accessible(page):
    """axe-core on the current page: no serious or critical violation."""
    results = _axe.run(page)
    blocking = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} – "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not blocking, f"{page.url}\n" + "\n".join(blocking)


class Visitor:
    """Drives one browser page and audits every page it lands on."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url

    def goto(self, path):
        self.page.goto(path if path.startswith("http") else self.base_url + path)
        assert_accessible(self.page)
        return self.page

    def click(self, role, name, **kwargs):
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, **kwargs).click()
        assert_accessible(self.page)
        return self.page

    def follow(self, locator):
        with self.page.expect_navigation():
            locator.click()
        assert_accessible(self.page)
        return self.page

    def send(self, name="Je valide", *, press=None, audit=True):
        """An answer sent as the pupil's browser sends it, with htmx: the next question (or the
        refusal) replaces the old one in the page; at a checkpoint, or when there is a message
        to show, the browser loads a new page. Waits for either, then audits the page.
        press: a field locator to press Enter in instead of clicking the button."""
        self.page.evaluate("""() => {
            window.pixSending = true;
            document.addEventListener("htmx:afterSettle", () => { window.pixSending = false; }, {once: true});
        }""")
        if press is not None:
            press.press("Enter")
        else:
            self.page.get_by_role("button", name=name).click()
        # A new document has no pixSending: waitForFunction runs again in it.
        self.page.wait_for_function("() => window.pixSending !== true")
        self.page.wait_for_load_state()
        if audit:
            assert_accessible(self.page)
        return self.page

    def fill(self, label, value):
        self.page.get_by_label(label, exact=True).fill(value)

    def sign_in(self, email, password, path="/compte/login/"):
        self.goto(path)
        self.fill("Adresse e-mail ou identifiant", email)
        self.fill("Mot de passe", password)
        return self.click("button", "Je me connecte")


@pytest.fixture
def visitor(page, live_server):
    return Visitor(page, live_server.url)
