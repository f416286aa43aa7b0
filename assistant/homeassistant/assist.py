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


PHRASES = {
    "en": (
        Phrase(("(i took|i have taken|i've taken) my (pills|medicine|medication|tablets)",
                "(took|taken) my (pills|medicine|medication|tablets)"), "I took my pills"),
        Phrase(("(i fell|i have fallen|i've fallen) [down]", "i can('t| not|not) get up"), "I fell"),
        Phrase(("help [me]", "(please|somebody|someone) help [me]", "call (for help|an ambulance|my family)",
                "emergency"), "help me"),
        Phrase(("i'm (ok|okay|fine|alright)", "i am (ok|okay|fine|alright)", "(it's|it is) a false alarm"),
               "I'm OK"),
        Phrase(("i('m| am) not feeling well", "i (don't|do not) feel (well|good)"), "I don't feel well"),
        Phrase(("(i feel|i am feeling|i'm feeling) {carehub_feeling}",), "I feel", "carehub_feeling"),
        Phrase(("how am i doing [today]", "how('s| is) my health [today]", "how are my (vitals|vital signs)"),
               "how am I doing"),
        Phrase(("[please] [can you|could you] remind me {carehub_reminder}",), "remind me", "carehub_reminder"),
    ),
    "zh-CN": (
        Phrase(("我[已经](吃|服)[过]药了", "药[我](已经)吃[过]了", "我(吃|服)过药了"), "我吃过药了"),
        Phrase(("我(摔|跌)倒了", "我(摔|跌)了一跤", "我起不来了"), "我摔倒了"),
        Phrase(("救命[啊]", "帮帮我", "快来人[啊]", "(叫|打)(救护车|一二零|120)"), "救命"),
        Phrase(("我没事[儿][了]", "我(很|挺)好", "是误报", "虚惊一场"), "我没事"),
        Phrase(("我[身体]不舒服", "我感觉不(好|舒服)"), "我不舒服"),
        Phrase(("我(觉得|感觉|有点){carehub_feeling}",), "我觉得", "carehub_feeling"),
        Phrase(("我[今天][的]身体怎么样", "我今天怎么样", "我的(体征|生命体征)怎么样"), "我身体怎么样"),
        Phrase(("[请]提醒我{carehub_reminder}",), "提醒我", "carehub_reminder"),
    ),
}
"""carehub's care intents as Home Assistant hears them, per language: medication taken, a fall or a call for
help, "I'm OK", feeling unwell, "how am I doing", and reminders."""

FOLDERS = {"en": "en", "zh-CN": "zh-cn"}
"""Home Assistant's custom_sentences folder of each language (its own language codes)."""


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
    payload: '{{"text": {{{{ text | to_json }}}}, "language": {{{{ language | to_json }}}}}}'
    timeout: 20

intent_script:
  CarehubSay:
    description: "Tell carehub what the person said (medication, a fall, help, reminders) and speak its reply"
    action:
      - action: rest_command.carehub_say
        data:
          text: "{{{{ said }}}}{{{{ {_rest_said()} }}}}"
          language: "{{{{ carehub_language | default('en') }}}}"
        response_variable: carehub
      - stop: "carehub answered"
        response_variable: carehub
    speech:
      text: >-
        {{% if action_response.status == 200 %}}{{{{ action_response.content.reply }}}}{{% elif (carehub_language |
        default('en')) != 'en' %}}
        carehub 没能处理（{{{{ action_response.status }}}}）。请再说一次，或者呼救。{{% else %}}carehub could not
        take that ({{{{ action_response.status }}}}). Please try again, or call for help.{{% endif %}}
"""


def _rest_said() -> str:
    """The Jinja expression of the words a wildcard caught, after a space in English and none in Chinese."""
    space = "(' ' if (carehub_language | default('en')) == 'en' else '')"
    return f"({space} ~ {_rest_slots()}) if {_any_rest()} else ''"


def _rest_slots() -> str:
    """The Jinja expression of whichever wildcard slot was said."""
    slots = _wildcards()
    expression = slots[-1]
    for slot in reversed(slots[:-1]):
        expression = f"({slot} if {slot} is defined else {expression})"
    return expression


def _any_rest() -> str:
    return " or ".join(f"{slot} is defined" for slot in _wildcards())


def _wildcards() -> list[str]:
    return list(dict.fromkeys(p.rest for phrases in PHRASES.values() for p in phrases if p.rest))


def sentences_yaml(language: str = "en") -> str:
    """Home Assistant's ``custom_sentences/<folder>/carehub.yaml`` for ``language`` (``en``, ``zh-CN``): the
    sentences, each group with what carehub is told."""
    phrases = PHRASES[language]
    lines = [f"# carehub's care intents (carehub homeassistant assist-config --sentences --language {language})",
             f"language: {FOLDERS[language]}", "intents:", "  CarehubSay:", "    data:"]
    for phrase in phrases:
        lines.append("      - sentences:")
        lines += [f'          - "{sentence}"' for sentence in phrase.sentences]
        lines += ["        slots:", f'          said: "{phrase.said}"', f'          carehub_language: "{language}"']
    lines.append("lists:")
    for phrase in phrases:
        if phrase.rest:
            lines += [f"  {phrase.rest}:", "    wildcard: true"]
    return "\n".join(lines) + "\n"
