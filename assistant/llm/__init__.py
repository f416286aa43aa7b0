"""carehub's optional language model: backends, the agent that answers what no grammar matched, and
its configuration (``llm:`` in config.yaml, off by default). See docs/llm.md."""

from assistant.llm.agent import FALLBACK, HONEST, Agent, AgentReply, ToolBinding, ToolCallRecord
from assistant.llm.backends import (
    GEMMA3_270M, SMOLLM2_135M, ChatModel, Completion, LlmError, OpenAIChatModel, ToolCallRequest,
    TransformersChatModel,
)
from assistant.llm.config import LlmConfig

__all__ = [
    "FALLBACK", "GEMMA3_270M", "HONEST", "SMOLLM2_135M", "Agent", "AgentReply", "ChatModel", "Completion",
    "LlmConfig", "LlmError", "OpenAIChatModel", "ToolBinding", "ToolCallRecord", "ToolCallRequest",
    "TransformersChatModel",
]
