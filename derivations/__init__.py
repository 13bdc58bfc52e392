r"""derivations: SymPy derives every derivative the dashboard shows, and checks it.

Nothing a student sees as a formula is typed in by hand: SymPy differentiates the network's
composed error, splits the derivative into the notes' chain-rule factors, proves the split equal
to the whole derivative, and evaluates each factor at the live nn_core numbers, where finite
differences and nn_core's backpropagation must agree. No Streamlit here.

Public API::

    recs = audit_notes()          # list[AuditRecord]: each formula the notes state vs derived
    rec.key, rec.label, rec.stated, rec.derived, rec.stated_latex, rec.derived_latex,
    rec.agrees, rec.counterexample, rec.consequence, rec.kind ("formula" | "prose"),
    rec.title, rec.severity ("ok" | "error" | "omission" | "notation"), rec.quote,
    rec.ratio_latex (stated ÷ derived), rec.demo (numbers behind the consequence)
    rec.at({r"\hat{y}_{i}": 0.7})  # (stated, derived) at live numbers, by symbol name
    audit_by_key()["where_dy_dz"]  # the same records by key

    net, x, y, label = notes_network("mlp", seed=0)   # or "single_layer" (see NOTES_CASES)
    st = step_through(net, x, y, layer=1, i=0, j=0, loss="squared_error", lr=0.5,
                      param="weight")                 # or param="bias" (i ignored)
    st.terms: ChainTerm(symbol_latex, general_latex, substituted_latex, value,
                        running_product, path, check_value, abs_err, rel_err, check_source)
    st.paths: PathSummary(k, product, share, route, magnitude_share)  # [] for output weights
    st.gradient, st.fd_gradient, st.backprop_gradient, st.abs_err, st.rel_err (vs FD),
    st.abs_err_backprop, st.rel_err_backprop, st.weight_latex, st.gradient_latex,
    st.chain_latex, st.update_latex, st.old_value, st.new_value, st.lr, st.old_loss,
    st.new_loss, st.proved, st.delta_latex (output error term δ_k), st.activation_cancels,
    st.notes (caveats: ReLU kink, overflow); ChainTerm.delta_check: nn_core's δ where the
    running product has just become an error term

    curves = train_with_notes_formula("where_dy_dz", case="mlp", epochs=200)
    curves.derived_loss, curves.stated_loss   # side by side: as derived vs as the notes state

    rule = chain_rule((2, 3, 2), ("sigmoid", "sigmoid"), "squared_error", layer=1, i=0, j=0)
    rule.factors, rule.general, rule.gradient, rule.proof(), rule.evaluate(args)
    activation_derivative("sigmoid").y_form       # y(1 − y), derived and proved
    error_term("sigmoid", "binary_cross_entropy")  # (∂E/∂ŷ, ∂ŷ/∂z, δ = ŷ − y: σ' cancels)
    activation_cancels("sigmoid", "binary_cross_entropy")  # True

Recurrent networks (issue 15)::

    st = rnn_step_through(rnn, xs, ys, param="W_h", i=0, j=0, lr=0.1)  # nn_core RNN, T ≤ 4
    st.terms: RNNTerm(symbol_latex, general_latex, substituted_latex, value, running_product,
                      path, check_value, abs_err, rel_err, check_source, kind, t)
    st.paths: PathContribution(t, k, out, route, product, share, magnitude_share,
                               product_latex)   # E_t back to the weight's use at step k
    st.by_error_step / st.by_use_step: StepContribution(t, value, share, magnitude_share,
                               check, abs_err, check_source)
    st.gradient (whole sympy.diff), st.sum_of_paths, st.fd_gradient, st.bptt_gradient,
    st.rel_err (vs FD), st.rel_err_bptt, st.abs_err_whole, st.proved, st.chain_latex,
    st.gradient_latex, st.update_latex, st.old_value, st.new_value, st.old_loss, st.new_loss
    rule = recurrent_rule(T, n_in, n_h, n_out, "tanh", "W_h", i, j)  # rule.proof()
    check = lstm_check(lstm, xs, ys)  # one-unit LSTM: every local factor per step vs nn_core,
    #   the cell path Π f_k, and (T ≤ 2) every weight's whole sympy.diff vs BPTT and FD
    claims = recurrent_claims()  # ClaimRecord(key, quote, title, right, not_right, verdict)

Running terms: along a path (hidden weights) the running product restarts at each path; after
the paths, the shared factors continue from the sum over paths, ending at the gradient.
Step-through supports any depth with hidden activations sigmoid, tanh, relu, linear; outputs
sigmoid, tanh, relu, linear or softmax; squared error or cross-entropy (binary with sigmoid,
categorical with softmax). With a softmax output every ŷ_m depends on every z_k, so the two
output factors ∂E/∂ŷ_k · ∂ŷ_k/∂z_k become one, the error term δ_k = ∂E_total/∂z_k (factor kind
"error_term"). Networks with more than ``MAX_PARAMS`` parameters or ``MAX_PATHS`` paths raise
ValueError with what to change.
Symbolic work is cached per (sizes, activations, loss, layer, i, j, param); a new number only
re-runs one lambdified (cse=True) NumPy function.
"""

from .audit import AuditRecord, audit_by_key, audit_notes, check_against_nn_core
from .chain import MAX_PARAMS, MAX_PATHS, ChainRule, Factor, chain_rule
from .lstm_cell import GradientCheck, LSTMCheck, LSTMTerm, lstm_check
from .notes import (
    NOTES_CASES,
    TRAINABLE,
    NotesCase,
    NotesTraining,
    notes_network,
    train_with_notes_formula,
)
from .recurrent import (
    PathContribution,
    RecurrentRule,
    RNNStepThrough,
    RNNTerm,
    StepContribution,
    recurrent_rule,
    rnn_step_through,
    symbolic_rnn,
)
from .recurrent_claims import ClaimRecord, Finding, recurrent_claims
from .step import ChainTerm, PathSummary, StepThrough, finite_difference, rel_error, step_through
from .symbolic import (
    activation_cancels,
    activation_derivative,
    error_term,
    symbolic_network,
)

__all__ = [
    "MAX_PARAMS", "MAX_PATHS", "NOTES_CASES", "TRAINABLE", "AuditRecord", "ChainRule",
    "ChainTerm", "Factor", "NotesCase", "NotesTraining", "PathSummary", "StepThrough",
    "activation_cancels", "activation_derivative", "audit_by_key", "audit_notes", "chain_rule",
    "check_against_nn_core", "error_term", "finite_difference", "notes_network", "rel_error",
    "step_through", "symbolic_network", "train_with_notes_formula",
]

# Student answers: a whitelist parser (never eval), the verdicts and hints (run in worker
# processes from derivations.proof_pool, under hard limits).
from .answer_verdicts import Preview, Verdict, check_answer, check_text, preview
from .parser import AnswerParseError, parse_answer

__all__ += ["AnswerParseError", "Preview", "Verdict", "check_answer", "check_text",
            "parse_answer", "preview"]
# Recurrent networks: backprop through time unrolled, the LSTM cell, the notes' claims.
__all__ += ["ClaimRecord", "Finding", "GradientCheck", "LSTMCheck", "LSTMTerm",
            "PathContribution", "RNNStepThrough", "RNNTerm", "RecurrentRule",
            "StepContribution", "lstm_check", "recurrent_claims", "recurrent_rule",
            "rnn_step_through", "symbolic_rnn"]
