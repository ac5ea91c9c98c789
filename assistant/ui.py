"""The wethouder's chat page: a Gradio Blocks app over the same service as the API."""

from __future__ import annotations

import html
import logging
import re
from typing import Callable

import gradio as gr
import yaml

from assistant.config import Settings
from assistant.errors import Unavailable
from assistant.feedback import Feedback, FeedbackStore
from assistant.models import Answer, Turn
from assistant.service import Service
from assistant.templates import Templates, unavailable_text

log = logging.getLogger(__name__)

CSS = """
.gradio-container { max-width: 860px !important; margin: 0 auto; }
.wijzer-escalate { border: 2px solid #8a1c1c; background: #fff4f2; color: #1f1f1f; border-radius: 8px;
  padding: 12px 14px; margin: 10px 0; }
.wijzer-escalate strong { color: #8a1c1c; }
.wijzer-escalate a { color: #0b3d91; font-weight: 600; text-decoration: underline; }
.wijzer-source { margin: 4px 0; }
.wijzer-source summary { cursor: pointer; }
.wijzer-source blockquote { margin: 6px 0 6px 12px; color: #333; }
.wijzer-escalate a { overflow-wrap: anywhere; }
.wijzer-112 { display: block; font-size: 1.15em; margin-bottom: 6px; }
@media (max-width: 640px) {
  .gradio-container { padding-left: 8px !important; padding-right: 8px !important; min-width: 0 !important; }
  .wijzer-row { flex-direction: column !important; }
  .wijzer-row > * { min-width: 0 !important; width: 100% !important; }
}
"""


# After an answer: bring the start of the newest answer into view (not its end, as a chat usually does).
SHOW_START = """() => { setTimeout(() => {
  const answers = document.querySelectorAll('#chat [data-testid="bot"]');
  if (!answers.length) return;
  const answer = answers[answers.length - 1];
  answer.scrollIntoView({block: 'start'});
  let box = answer.parentElement;  // the chat's own scrolling box: leave room for its label at the top
  while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
  if (box && box !== document.documentElement) box.scrollTop -= 48;
}, 200); }"""


def _tel(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return "+31" + digits[1:] if digits.startswith("0") else "+" + digits


class ChatUI:
    """Builds the page; every answer comes from Service.ask, every rating goes to the FeedbackStore."""

    def __init__(self, settings: Settings, service: Callable[[], Service], feedback: Callable[[], FeedbackStore],
                 count: Callable[[Answer], None] = lambda answer: None):
        # The service is built at start-up, after the page is: it is looked up when a question comes.
        self.settings = settings
        self._service = service
        self._feedback = feedback
        self._count = count  # usage counters: route and reason, never the question
        self.text = yaml.safe_load((settings.prompts_dir / "ui.yaml").read_text(encoding="utf-8"))
        self.templates = Templates(settings.prompts_dir)

    def unavailable(self, exc: Unavailable) -> str:
        log.error("chat: %s", exc)
        return unavailable_text(self.templates, exc, self.settings.contact.model_dump())

    @property
    def service(self) -> Service:
        return self._service()

    @property
    def feedback(self) -> FeedbackStore:
        return self._feedback()

    # -- rendering ---------------------------------------------------------------------------------

    def render(self, answer: Answer) -> str:
        t = self.text
        body = answer.answer
        parts = []
        if answer.contact is not None:
            c = answer.contact
            block = self.service.templates.render("contact", name=c.name, phone=c.phone, email=c.email)
            body = body.replace(block, "").strip()
            # Danger now, and every threat (whose answer leads with 112 too): a tel:112 link above the contact.
            urgent = (f'<strong class="wijzer-112">{html.escape(t["urgent_call"])} <a href="tel:112">112</a></strong><br>'
                      if answer.urgent or answer.reason == "threat" else "")
            parts.append(
                f'<div class="wijzer-escalate" role="note">{urgent}<strong>{html.escape(t["escalate_heading"])}: '
                f'{html.escape(c.name)}</strong><br>{html.escape(t["call"])} '
                f'<a href="tel:{_tel(c.phone)}">{html.escape(c.phone)}</a> · {html.escape(t["mail"])} '
                f'<a href="mailto:{html.escape(c.email)}">{html.escape(c.email)}</a><br>'
                f'{html.escape(t["escalate_confidential"])}</div>'
            )
        if answer.fallback:
            body += f"\n\n_{t['checked_replaced']}_"
        elif answer.dropped:
            body += f"\n\n_{t['checked_dropped']}_"
        parts.insert(0, body)
        if answer.citations:
            items = []
            for cit in answer.citations:
                where = ", ".join(x for x in (cit.section or "", f"{t['page']} {cit.page}" if cit.page else "") if x)
                label = f"[{cit.n}] {cit.document}" + (f" — {where}" if where else "")
                items.append(f'<details class="wijzer-source"><summary>{html.escape(label)}</summary>'
                             f"<blockquote>{html.escape(cit.quote)}</blockquote></details>")
            parts.append(f"**{t['sources']}**\n\n" + "\n".join(items))
        return "\n\n".join(parts)

    # -- events ------------------------------------------------------------------------------------

    def respond(self, question: str, messages: list, records: list):
        """Streams the answer into the chat as it is written, then shows it laid out, with its sources."""
        question = (question or "").strip()
        if not question:
            yield "", messages, records
            return
        limit = self.settings.max_question_chars
        if len(question) > limit:
            gr.Warning(f"De vraag is te lang: maximaal {limit} tekens.")
            yield question, messages, records
            return
        history: list[Turn] = []
        for record in records:
            history += [Turn(role="user", content=record["question"]), Turn(role="assistant", content=record["answer"])]
        asked = messages + [{"role": "user", "content": question}]
        shown, answer = "", None
        try:
            for kind, value in self.service.stream(question, history):
                if kind == "delta":
                    shown += value
                    yield "", asked + [{"role": "assistant", "content": shown}], records
                elif kind == "answer":
                    answer = value
        except Unavailable as exc:  # the question stays in the box, to be sent again
            yield question, asked + [{"role": "assistant", "content": self.unavailable(exc)}], records
            return
        self._count(answer)
        records = records + [{"question": question, **answer.model_dump(mode="json")}]
        yield "", asked + [{"role": "assistant", "content": self.render(answer)}], records

    def rate(self, records: list, data: gr.LikeData):
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        record = records[index // 2] if 0 <= index // 2 < len(records) else None
        if record is None or data.liked is None:
            return None, ""
        rating = "up" if data.liked is True or data.liked == "Like" else "down"
        item = Feedback(rating=rating, question=record["question"], answer=record["answer"], route=record["route"],
                        reason=record["reason"], citations=record["citations"])
        try:
            feedback_id = self.feedback.add(item)
        except Unavailable as exc:
            return None, self.unavailable(exc)
        return feedback_id, self.text["feedback_thanks"]

    def comment(self, feedback_id: int | None, comment: str):
        if feedback_id is None:
            return comment, self.text["feedback_first"]
        try:
            self.feedback.update_comment(feedback_id, comment or "")
        except Unavailable as exc:
            return comment, self.unavailable(exc)
        return "", self.text["comment_saved"]

    # -- page --------------------------------------------------------------------------------------

    def build(self) -> gr.Blocks:
        t = self.text
        with gr.Blocks(title=t["title"], analytics_enabled=False) as page:
            gr.Markdown(f"# {t['title']}\n\n{t['intro']}")
            # No scrolling to the end of a long answer: the page shows an answer from its start (SHOW_START),
            # where an urgent answer puts 112.
            chat = gr.Chatbot(label=t["chat_label"], height=520, elem_id="chat", feedback_options=("Like", "Dislike"),
                              buttons=["copy"], sanitize_html=True, autoscroll=False)
            records = gr.State([])
            feedback_id = gr.State(None)
            with gr.Row(equal_height=True, elem_classes="wijzer-row"):
                question = gr.Textbox(label=t["question_label"], placeholder=t["question_placeholder"], lines=1,
                                      max_lines=6, scale=5, elem_id="question", autofocus=True)
                send = gr.Button(t["send"], variant="primary", scale=1, min_width=100, elem_id="send")
            gr.Examples(t["examples"], inputs=question, label=t["examples_label"])
            with gr.Row(equal_height=True, elem_classes="wijzer-row"):
                comment = gr.Textbox(label=t["comment_label"], placeholder=t["comment_placeholder"], scale=5,
                                     elem_id="comment")
                comment_send = gr.Button(t["comment_send"], scale=1, min_width=100, elem_id="comment-send")
            status = gr.Markdown(elem_id="status")
            new = gr.Button(t["new_conversation"], variant="secondary", elem_id="new")
            gr.Markdown(t["privacy"], elem_id="privacy")

            ask = dict(fn=self.respond, inputs=[question, chat, records], outputs=[question, chat, records])
            question.submit(**ask).then(fn=None, js=SHOW_START)
            send.click(**ask).then(fn=None, js=SHOW_START)
            chat.like(self.rate, inputs=[records], outputs=[feedback_id, status])
            comment_send.click(self.comment, inputs=[feedback_id, comment], outputs=[comment, status])
            new.click(lambda: ([], [], None, ""), outputs=[chat, records, feedback_id, status])
            # The chat's own bin icon clears the messages; the conversation sent as history must go too.
            chat.clear(lambda: ([], None, ""), outputs=[records, feedback_id, status])
        return page


def mount(app, settings: Settings, service: Callable[[], Service], feedback: Callable[[], FeedbackStore],
          count: Callable[[Answer], None] = lambda answer: None):
    """Serve the chat at / on the FastAPI app, with system fonts only (nothing from the internet)."""
    theme = gr.themes.Default(font=["system-ui", "Segoe UI", "Roboto", "sans-serif"],
                              font_mono=["ui-monospace", "Consolas", "monospace"]).set(
        # Dark blue with white text: a contrast ratio above 7:1 (Gradio's default orange is under 3:1).
        button_primary_background_fill="#0b3d91", button_primary_background_fill_hover="#082c69",
        button_primary_text_color="#ffffff", button_primary_border_color="#0b3d91",
    )
    return gr.mount_gradio_app(app, ChatUI(settings, service, feedback, count).build(), path="/", theme=theme, css=CSS,
                               footer_links=[], ssr_mode=False)
