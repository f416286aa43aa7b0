"""What a family pastes into Home Assistant so its Assist (voice satellites, the app's assistant) reaches
carehub's care intents: custom sentences that Home Assistant recognises itself, offline, and an
``intent_script`` that passes what was said to carehub's ``POST /api/say`` and speaks carehub's reply.

Pure text over the config (``carehub homeassistant assist-config`` prints it; docs/home-assistant.md, "Assist").
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.config import Config

SECRET = "carehub_token"
"""The name of the line in Home Assistant's secrets.yaml that holds carehub's token (``Bearer <token>``)."""


@dataclass(frozen=True)
class Phrase:
    """Sentences Home Assistant recognises, and what carehub is told when one of them is said."""

    sentences: tuple[str, ...]
    """In Home Assistant's sentence template syntax (hassil): ``(a|b)`` alternatives, ``[x]`` optional."""
    said: str
    """The words passed to carehub, which its own grammars understand."""
    rest: str | None = None
    """A wildcard slot whose words follow ``said`` ("remind me" + "to call Anna at five")."""


PHRASES = (
    Phrase(("(i took|i have taken|i've taken) my (pills|medicine|medication|tablets)",
            "(took|taken) my (pills|medicine|medication|tablets)"), "I took my pills"),
    Phrase(("(i fell|i have fallen|i've fallen) [down]", "i can('t| not|not) get up"), "I fell"),
    Phrase(("help [me]", "(please|somebody|someone) help [me]", "call (for help|an ambulance|my family)",
            "emergency"), "help me"),
    Phrase(("i'm (ok|okay|fine|alright)", "i am (ok|okay|fine|alright)", "(it's|it is) a false alarm"), "I'm OK"),
    Phrase(("i('m| am) not feeling well", "i (don't|do not) feel (well|good)"), "I don't feel well"),
    Phrase(("(i feel|i am feeling|i'm feeling) {carehub_feeling}",), "I feel", "carehub_feeling"),
    Phrase(("[please] [can you|could you] remind me {carehub_reminder}",), "remind me", "carehub_reminder"),
)
"""carehub's care intents as Home Assistant hears them: medication taken, a fall or a call for help, "I'm OK",
feeling unwell, and reminders."""


def hub_url(config: Config) -> str:
    """Where Home Assistant reaches carehub's HTTP API (its host as configured: a loopback or wildcard address
    only works when Home Assistant runs on the same machine)."""
    host = config.http.host
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '') else host}:{config.http.port}"


def configuration_yaml(config: Config, url: str | None = None) -> str:
    """The part of Home Assistant's configuration.yaml: carehub as a REST command and the intent it serves."""
    base = (url or hub_url(config)).rstrip("/")
    return f"""\
# carehub's care intents in Home Assistant's Assist (carehub homeassistant assist-config).
# In secrets.yaml:  {SECRET}: "Bearer <carehub tokens show member <the person who speaks to Assist>>"
rest_command:
  carehub_say:
    url: "{base}/api/say"
    method: post
    headers:
      Authorization: !secret {SECRET}
    content_type: "application/json"
    payload: '{{"text": {{{{ text | to_json }}}}, "language": "en"}}'
    timeout: 20

intent_script:
  CarehubSay:
    description: "Tell carehub what the person said (medication, a fall, help, reminders) and speak its reply"
    action:
      - action: rest_command.carehub_say
        data:
          text: "{{{{ said }}}}{{{{ (' ' ~ {_rest_slots()}) if {_any_rest()} else '' }}}}"
        response_variable: carehub
      - stop: "carehub answered"
        response_variable: carehub
    speech:
      text: >-
        {{% if action_response.status == 200 %}}{{{{ action_response.content.reply }}}}{{% else %}}carehub could not
        take that ({{{{ action_response.status }}}}). Please try again, or call for help.{{% endif %}}
"""


def _rest_slots() -> str:
    """The Jinja expression of whichever wildcard slot was said."""
    slots = [p.rest for p in PHRASES if p.rest]
    expression = slots[-1]
    for slot in reversed(slots[:-1]):
        expression = f"({slot} if {slot} is defined else {expression})"
    return expression


def _any_rest() -> str:
    return " or ".join(f"{p.rest} is defined" for p in PHRASES if p.rest)


def sentences_yaml() -> str:
    """Home Assistant's ``custom_sentences/en/carehub.yaml``: the sentences, each group with what carehub is told."""
    lines = ["# carehub's care intents (carehub homeassistant assist-config --sentences)", "language: en",
             "intents:", "  CarehubSay:", "    data:"]
    for phrase in PHRASES:
        lines.append("      - sentences:")
        lines += [f'          - "{sentence}"' for sentence in phrase.sentences]
        lines += ["        slots:", f'          said: "{phrase.said}"']
    lines.append("lists:")
    for phrase in PHRASES:
        if phrase.rest:
            lines += [f"  {phrase.rest}:", "    wildcard: true"]
    return "\n".join(lines) + "\n"
