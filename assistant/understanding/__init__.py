"""Understanding people the way they speak (English and Mandarin), before any skill sees what they said.

``understand.py`` decides; the rest are pure, table-tested parts with one job each: ``normalize`` (fillers,
slips, clauses), ``pinyin`` (Chinese heard by sound), ``spelling`` (English words cut in two), ``numbers``,
``parse`` (a clause as a device command), ``resolve`` (which device, or a question back), ``clarify`` (the
question and its answer), ``household`` (the home's names), ``lexicon`` (the words, as data in ``lexicon/``).
"""
