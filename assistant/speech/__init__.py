"""Voice for carehub: local Whisper speech-to-text, spoken replies, and the path from a microphone to
``Conversation.hear``. See docs/voice.md. Nothing here downloads anything: models come from pip packages or a
local folder (``assistant.speech.models``)."""
