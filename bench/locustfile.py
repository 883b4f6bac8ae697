"""The HTTP loads of bench/http_load.py, run by Locust in a process of its own (pinned to the
other core). Not imported by the application.

BENCH_LOAD_FILE names the JSON written by http_load.py: the pupils' sessions, logins and the
campaign codes. Each user class plays one scenario of issue #8:

- Bare: GET of a view that reads nothing (the ceiling of the same gunicorn);
- AnswerLoop: "POST answer → GET next challenge", as a pupil half-way through his test;
- AnswerLoopHtmx: the same with JavaScript, the POST bringing the next question (one request);
- JoinStorm: sign in, type the code, "Je commence", first challenge; once per pupil;
- ShareBurst: "J'envoie mes résultats", once per pupil;
- FaultPupil (bench/faults.py): a pupil's whole visit at a pupil's pace, while Redis is stopped
  and started again: sign in, "J'ai un code", answer to the end, send, the competences page.
"""

import html
import json
import os
import random
import re

from gevent import sleep
from locust import FastHttpUser, between, constant, constant_throughput, events, task
from locust.exception import StopUser

DATA = json.loads(open(os.environ["BENCH_LOAD_FILE"], encoding="utf-8").read())
CSRF = DATA["csrf"]
ANSWERERS = iter(DATA["answerers"])
JOINERS = iter(DATA["joiners"])
SHARERS = iter(DATA["sharers"])
FAULT_PUPILS = iter(DATA.get("fault_pupils", []))

CHALLENGE_ID = re.compile(r'name="challenge_id" value="([^"]+)"')
CHOICE = re.compile(r'name="answer" value="(\d+)"')
SELECT = re.compile(r'<select[^>]*name="(answer-[^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]*)"')
TEXT = re.compile(r'<input class="fr-input" type="text"[^>]*name="(answer(?:-[^"]+)?)"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The answers the server acknowledged, checked against the database afterwards (no loss).
ACKNOWLEDGED: list[tuple[int, str]] = []
# The pupils whose "J'envoie mes résultats" the server acknowledged (bench/faults.py).
SHARED: list[int] = []


@events.quitting.add_listener
def _write_acknowledged(environment, **_kwargs):
    if os.environ.get("BENCH_ACK_FILE"):
        with open(os.environ["BENCH_ACK_FILE"], "w", encoding="utf-8") as out:
            json.dump({"answers": ACKNOWLEDGED, "shared": SHARED} if os.environ.get("BENCH_FAULTS") else ACKNOWLEDGED,
                      out)


WORDS = ("42", "JPEG", "Paris", "ctrl", "3", "oui", "tableur", "https")


def answer_form(page: str, rng: random.Random) -> dict:
    """A plausible answer to the challenge shown: a choice, an option, or a word typed."""
    fields = {"action": "skip" if rng.random() < 0.05 else "validate"}
    choices = CHOICE.findall(page)
    if choices:
        fields["answer"] = rng.choice(choices)
    for name, options in SELECT.findall(page):
        values = [value for value in OPTION.findall(options) if value]
        if values:
            fields[name] = html.unescape(rng.choice(values))
    for name in TEXT.findall(page):
        fields[name] = rng.choice(WORDS)
    return fields


def stay():
    """A pupil who is done stays (idle) until the end: a user that stopped would be replaced by
    Locust's spawner, and the arrival rate would no longer be the one asked for."""
    while True:
        sleep(3600)


def form_headers(cookies: str) -> dict:
    return {"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"}


class Bare(FastHttpUser):
    wait_time = constant(0)

    @task
    def bare(self):
        self.client.get("/bench/bare/", name="bare view")


# Answers a second for each answering user: 0 (the default) for as fast as the server lets
# him (a throughput test), a rate below the saturation to read the latency at that rate.
PACE = float(os.environ.get("BENCH_ANSWERS_PER_USER_SECOND", "0"))


class _Answering(FastHttpUser):
    """A pupil answering as fast as the server lets him, or at the PACE asked."""

    abstract = True

    wait_time = constant_throughput(PACE) if PACE else constant(0)

    def on_start(self):
        self.rng = random.Random()
        self._next_pupil()

    def _next_pupil(self):
        pupil = next(ANSWERERS, None)
        if pupil is None:
            raise StopUser()
        self.assessment_id = pupil["assessment_id"]
        self.url = f"/evaluations/{pupil['assessment_id']}/"
        self.timer_url = f"/evaluations/{pupil['assessment_id']}/demarrer-epreuve/"
        self.cookies = f"sessionid={pupil['session']}; csrftoken={CSRF}"

    def _challenge_page(self, name="GET challenge"):
        with self.client.get(self.url, headers={"Cookie": self.cookies}, allow_redirects=False,
                             name=name, catch_response=True) as response:
            if response.status_code == 302:
                response.success()
                return None
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return None
            return response.text



class AnswerLoop(_Answering):
    """Without JavaScript: GET the challenge, POST the answer (a redirect)."""

    @task
    def answer(self):
        page = self._challenge_page()
        if page is None:
            self._next_pupil()
            return
        challenge_id = CHALLENGE_ID.search(page).group(1)
        if "Commencer l'épreuve" in page:
            self.client.post(self.timer_url, data={"challenge_id": challenge_id, "csrfmiddlewaretoken": CSRF},
                             headers=form_headers(self.cookies), allow_redirects=False, name="POST start timer")
            page = self._challenge_page()
            if page is None:
                return
        form = {"challenge_id": challenge_id, "csrfmiddlewaretoken": CSRF, **answer_form(page, self.rng)}
        with self.client.post(self.url, data=form, headers=form_headers(self.cookies), allow_redirects=False,
                              name="POST answer", catch_response=True) as response:
            if response.status_code == 302:
                response.success()
                ACKNOWLEDGED.append((self.assessment_id, challenge_id))
            else:
                response.failure(f"{response.status_code}")


class AnswerLoopHtmx(_Answering):
    """The same pupils answering as their browser does with JavaScript (htmx): the POST answers
    with the next question, one request per answer. A checkpoint, the end of the test or a
    message to show is a client redirect (HX-Redirect): the challenge page is then loaded."""

    def on_start(self):
        self.page = None
        super().on_start()

    @task
    def answer(self):
        page, self.page = self.page or self._challenge_page("GET challenge (after a redirect)"), None
        if page is None:
            self._next_pupil()
            return
        challenge_id = CHALLENGE_ID.search(page).group(1)
        if "Commencer l'épreuve" in page:
            # With htmx too: the question comes back with its clock started.
            started = self.client.post(
                self.timer_url, data={"challenge_id": challenge_id, "csrfmiddlewaretoken": CSRF},
                headers={**form_headers(self.cookies), "HX-Request": "true"}, allow_redirects=False,
                name="POST start timer (htmx)",
            )
            redirect = started.headers.get("HX-Redirect") or started.headers.get("hx-redirect")
            page = started.text if started.status_code == 200 and not redirect else self._challenge_page(
                "GET challenge (timed)")
            if page is None:
                return
        form = {"challenge_id": challenge_id, "csrfmiddlewaretoken": CSRF, **answer_form(page, self.rng)}
        with self.client.post(self.url, data=form, headers={**form_headers(self.cookies), "HX-Request": "true"},
                              allow_redirects=False, name="POST answer (htmx)", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return
            response.success()
            redirect = response.headers.get("HX-Redirect") or response.headers.get("hx-redirect")
            # Back to the question itself: a replay or a question not asked, nothing stored.
            if redirect != self.url:
                ACKNOWLEDGED.append((self.assessment_id, challenge_id))
            if not redirect:
                self.page = response.text


class JoinStorm(FastHttpUser):
    """A pupil who signs in and joins the campaign once, at a pupil's pace (a second between
    pages), then leaves."""

    wait_time = constant(1)

    def on_start(self):
        self.pupil = next(JOINERS, None)
        if self.pupil is None:
            stay()

    def _csrf(self, page: str) -> str:
        return CSRF_FIELD.search(page).group(1)

    @task
    def join(self):
        client, code = self.client, DATA["join_code"]
        page = client.get("/compte/login/", name="GET sign-in").text
        client.post("/compte/login/", data={"login": self.pupil["login"], "password": DATA["password"],
                                            "csrfmiddlewaretoken": self._csrf(page)},
                    name="POST sign-in", allow_redirects=False)
        page = client.get("/campagnes/", name="GET J'ai un code").text
        client.post("/campagnes/", data={"code": code, "csrfmiddlewaretoken": self._csrf(page)},
                    name="POST code", allow_redirects=False)
        page = client.get(f"/campagnes/{code}", name="GET campaign landing").text
        with client.post(f"/campagnes/{code}/commencer/", data={"csrfmiddlewaretoken": self._csrf(page)},
                         name="POST Je commence", allow_redirects=False, catch_response=True) as response:
            target = response.headers.get("Location", "")
            if response.status_code == 302 and "/evaluations/" in target:
                response.success()
            else:
                response.failure(f"{response.status_code} {target}")
                stay()
        client.get(target, name="GET first challenge")
        stay()


class ShareBurst(FastHttpUser):
    """A pupil at the end of his test who clicks "J'envoie mes résultats" once."""

    wait_time = constant(0)

    @task
    def share(self):
        pupil = next(SHARERS, None)
        if pupil is None:
            stay()
        url = f"/campagnes/{DATA['share_code']}/evaluation/resultats/"
        cookies = f"sessionid={pupil['session']}; csrftoken={CSRF}"
        with self.client.post(url, data={"csrfmiddlewaretoken": CSRF}, headers=form_headers(cookies),
                              allow_redirects=False, name="POST J'envoie mes résultats",
                              catch_response=True) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"{response.status_code}")
        stay()


class FaultPupil(FastHttpUser):
    """One pupil's visit, a few seconds between pages; every page must answer (Redis may be
    down: none of them needs the worker)."""

    wait_time = between(1, 3)

    def on_start(self):
        self.pupil = next(FAULT_PUPILS, None)
        if self.pupil is None:
            stay()
        self.rng = random.Random(self.pupil["user_id"])
        self.url = f"/evaluations/{self.pupil['assessment_id']}/"
        self.done = False
        page = self._expect("GET", "/compte/login/", "GET sign-in", 200)
        self._expect("POST", "/compte/login/", "POST sign-in", 302, data={
            "login": self.pupil["login"], "password": DATA["password"], "csrfmiddlewaretoken": self._csrf(page)})
        page = self._expect("GET", "/campagnes/", "GET J'ai un code", 200)
        self._expect("POST", "/campagnes/", "POST code", 302,
                     data={"code": DATA["share_code"], "csrfmiddlewaretoken": self._csrf(page)})

    def _csrf(self, page) -> str:
        found = CSRF_FIELD.search(page or "")
        return found.group(1) if found else ""

    def _expect(self, method, url, name, status, data=None):
        with self.client.request(method, url, data=data, name=name, allow_redirects=False,
                                 catch_response=True) as response:
            if response.status_code == status:
                response.success()
                return response.text
            response.failure(f"{response.status_code}")
            return None

    @task
    def visit(self):
        if self.done:
            stay()
        with self.client.get(self.url, allow_redirects=False, name="GET challenge", catch_response=True) as page:
            if page.status_code not in (200, 302):
                page.failure(f"{page.status_code}")
                return
            page.success()
        if page.status_code == 302:
            target = page.headers.get("Location", "")
            if "/resultats/" in target:
                self._send_results()
            else:
                # The checkpoint ("avancement"): seen, then the next challenge.
                self._expect("GET", target, "GET checkpoint", 200)
            return
        challenge_id = CHALLENGE_ID.search(page.text).group(1)
        text = page.text
        if "Commencer l'épreuve" in text:
            self._expect("POST", f"{self.url}demarrer-epreuve/", "POST start timer", 302,
                         data={"challenge_id": challenge_id, "csrfmiddlewaretoken": self._csrf(text)})
            text = self._expect("GET", self.url, "GET challenge", 200)
            if text is None:
                return
        form = {"challenge_id": challenge_id, "csrfmiddlewaretoken": self._csrf(text), **answer_form(text, self.rng)}
        if self._expect("POST", self.url, "POST answer", 302, data=form) is not None:
            ACKNOWLEDGED.append((self.pupil["assessment_id"], challenge_id))

    def _send_results(self):
        url = f"/campagnes/{DATA['share_code']}/evaluation/resultats/"
        page = self._expect("GET", url, "GET results", 200)
        if page is not None and self._expect("POST", url, "POST J'envoie mes résultats", 302,
                                             data={"csrfmiddlewaretoken": self._csrf(page)}) is not None:
            SHARED.append(self.pupil["user_id"])
        self._expect("GET", "/competences/", "GET competences", 200)
        self.done = True
