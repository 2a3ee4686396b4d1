"""Many users, no cross-talk: each browser session keeps its own history, answers, sources and export.

Two gradio_client clients (two sessions) ask different questions at the same moment, several rounds in
a row, each passing its chat back as a browser does. Each must get exactly the answer its own
conversation gives when asked alone, and its server-side history (sources panel, export) must hold only
its own questions.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from app import build_app
from rag.answer import Answerer
from tests.conftest import free_port
from tests.test_app import _text, _wait_http
from ui.documents import scope_from_choice
from ui.render import answer_markdown, esc

# What each session asks, in order, with its UI settings: the two sessions search different scopes (laws
# only, articles only), so an answer or a source that crossed over would cite the other kind of document.
SESSIONS = [
    {
        "questions": ["Berapa lama STR berlaku?", "Siapa yang menerbitkan STR?", "Apa itu praktik pekerjaan sosial?"],
        "engine": "extractive",
        "top_k": 5,
        "scope": "kind:law",
    },
    {
        "questions": [
            "Apa fungsi pekerjaan sosial menurut Pincus dan Minahan?",
            "apa beda peksos dan relawan?",
            "Apa tujuan pekerjaan sosial?",
        ],
        "engine": "extractive",
        "top_k": 5,
        "scope": "kind:article",
    },
]


def ask(client, session: dict, question: str, chat: list) -> tuple[list, str, str | None]:
    """One question through /tanya with the session's settings; returns (chat, sources HTML, export path)."""
    chat, sources, _box, download = client.predict(
        question, chat, session["engine"], session["top_k"], session["scope"], api_name="/tanya"
    )
    return chat, sources, download


def expected(answerer: Answerer, session: dict, upto: int) -> str:
    """The assistant message for question `upto` when this conversation is the only one."""
    qs = session["questions"]
    scope = scope_from_choice(session["scope"])
    ans = answerer.answer(qs[upto], qs[:upto], engine=session["engine"], top_k=session["top_k"], scope=scope)
    kinds = {answerer.retriever.catalogue.by_id.get(c.chunk.source_id) is not None for c in ans.citations}
    assert kinds <= {session["scope"] == "kind:law"}, "an answer cites outside its scope"
    return answer_markdown(ans, upto)


def test_two_sessions_at_once_never_see_each_other(full_index, retriever, tmp_path):
    from gradio_client import Client

    settings = dataclasses.replace(full_index, feedback_path=tmp_path / "feedback.jsonl")
    answerer = Answerer(settings, retriever)
    want = [[expected(answerer, s, i) for i in range(len(s["questions"]))] for s in SESSIONS]
    assert want[0] != want[1], "the sessions must ask questions with different answers"

    demo = build_app(settings, answerer)
    port = free_port()
    demo.queue(default_concurrency_limit=4).launch(
        server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True
    )
    rounds = len(SESSIONS[0]["questions"])
    start = threading.Barrier(len(SESSIONS))
    got: list[list] = [[] for _ in SESSIONS]
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            chat: list = []
            for r in range(rounds):
                start.wait(timeout=60)  # both sessions send round r at the same moment
                chat, sources, download = ask(client, SESSIONS[i], SESSIONS[i]["questions"][r], chat)
                export = Path(download).read_text(encoding="utf-8") if download else ""
                got[i].append((chat, sources, export))
            client.close()
        except BaseException as err:  # surfaced in the main thread below
            errors.append(err)
            start.abort()

    try:
        assert _wait_http(f"http://127.0.0.1:{port}/") == 200
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(SESSIONS))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    finally:
        demo.close()
    assert not errors, errors
    for i, session in enumerate(SESSIONS):
        own = session["questions"]
        other = [q for j, s in enumerate(SESSIONS) if j != i for q in s["questions"]]
        assert len(got[i]) == rounds
        for r, (chat, sources, export) in enumerate(got[i]):
            users = [_text(m) for m in chat if m["role"] == "user"]
            assert users == [esc(q) for q in own[: r + 1]], f"session {i} round {r}: chat history"
            assert _text(chat[-1]) == want[i][r], f"session {i} round {r}: answer differs from asking alone"
            for q in own[: r + 1]:
                assert esc(q)[:80] in sources and f"## {own.index(q) + 1}. {q}" in export
            for q in other:
                assert esc(q)[:80] not in sources, f"session {i} sees another session's sources"
                assert q not in export, f"session {i} exports another session's question"


def test_closed_and_idle_sessions_are_dropped_open_ones_kept():
    import datetime as dt
    import threading
    from collections import OrderedDict
    from types import SimpleNamespace

    from ui.sessions import prune_sessions

    now = dt.datetime(2026, 12, 1, 10, 0, 0)
    ago = lambda s: now - dt.timedelta(seconds=s)  # noqa: E731
    cases = {  # session -> (page closed, seconds since its last question, kept)
        "open-recent": (False, 30, True),
        "open-idle-long": (False, 4 * 3600, False),
        "closed-just-now": (True, 60, True),
        "closed-long-ago": (True, 300, False),
    }
    holder = SimpleNamespace(
        session_data=OrderedDict((sid, SimpleNamespace(is_closed=c)) for sid, (c, _, _) in cases.items()),
        time_last_used={sid: ago(s) for sid, (_, s, _) in cases.items()},
        lock=threading.Lock(),
    )
    dropped = prune_sessions(holder, closed_grace_s=120, idle_s=3 * 3600, now=now)
    assert set(holder.session_data) == {sid for sid, (_, _, kept) in cases.items() if kept}
    assert set(holder.time_last_used) == set(holder.session_data) and dropped == 2
