"""page_model: what the pages need beyond the engines, NumPy and the standard library only.

The engines (``nn_core`` numbers, ``derivations`` SymPy) know nothing of pages. This layer holds
what a page needs on top of them and can be tested without Streamlit: presets, caps for a shared
host, labels, the playground's training session, and the verdicts a page states about its numbers.

- ``playground``: the training playground's Config, caps, CSV points and TrainingSession.
- ``one_vs_all``: the class encodings trained side by side; a neuron at one data point.
- ``descent``: one neuron's loss over its weights, the descent path, the η presets.
"""
