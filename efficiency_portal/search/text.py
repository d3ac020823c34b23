"""Chinese text into index terms, with jieba's search mode (the compound word and its parts: 营业执照 → 营业, 执照,
营业执照), so that a query and a document cut the same way meet on the same terms."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata

import jieba

# Words that say how someone asks, not what they ask for ("我想办理…怎么申请").
_STOPWORDS = """
    的 了 吗 呢 吧 啊 呀 和 与 及 或 在 是 有 我 你 您 他 她 要 想 去 到 把 被 给 对 从 向 为 能 会 可 该
    我想 我要 想要 需要 怎么 怎么样 怎样 如何 哪里 哪儿 在哪 什么 哪些 多少 可以 能否 是否 一下 请问 办理 办 手续
    流程 材料 需要什么 要什么 去哪 怎么办 咨询 问题 相关 有关 关于 进行 一个 这个 那个
"""
STOPWORDS = frozenset(_STOPWORDS.split())
MAX_TERM_LENGTH = 40
# Letters and digits run together as one term (A2, 2026); every other non-CJK character separates terms.
_JUNK = re.compile(r"[^\w\u3400-\u9fff]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_lock = threading.Lock()
_ready = False


def _segmenter() -> jieba.Tokenizer:
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba.dt


def normalise(text: str) -> str:
    """Full-width to half-width (ＡＢ１ → AB1), lower case, separators to spaces."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(_JUNK.sub(" ", text).split())


def terms(text: str) -> list[str]:
    """The index terms of ``text`` in order, repeats kept (a field's weight counts each occurrence once)."""
    text = normalise(text)
    if not text:
        return []
    segmenter = _segmenter()
    found: list[str] = []
    for token in segmenter.cut_for_search(text):
        token = token.strip()
        if not token or token in STOPWORDS or len(token) > MAX_TERM_LENGTH:
            continue
        # A lone character says too little (证, 办, 的); lone letters and digits likewise.
        if len(token) == 1:
            continue
        found.append(token)
    return found


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))
