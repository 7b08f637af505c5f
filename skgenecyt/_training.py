"""The one place where skorch nets are built, trained and run.

Every torch-backed estimator in skgenecyt (the VAE transformer, the GAT
classifier) inherits :class:`TorchEstimatorMixin` and trains through
:meth:`TorchEstimatorMixin._train_net`. That keeps seeding, the validation
split, early stopping with best-weight restoring, the optimiser and device
handling identical across estimators, and gives one place to change them.

Seeding never touches global random state: training runs inside
``torch.random.fork_rng`` with a seed drawn from the estimator's
``random_state``, so the same ``random_state`` and input give the same
weights, in this process or another, in a thread or not, without side
effects on the caller.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import itertools
import math
import threading
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.utils import check_random_state
from skorch import NeuralNet
from skorch.callbacks import Callback, EarlyStopping, PrintLog
from skorch.dataset import ValidSplit

from skgenecyt._sklearn_compat import Interval, StrOptions

__all__ = [
    "MIN_VALIDATION_ROWS",
    "RowBatches",
    "TorchEstimatorMixin",
    "member_random_states",
    "seed_from_random_state",
    "seeded",
    "torch_threads",
]

#: Parameter constraints shared by every torch-backed estimator.
TRAINING_PARAMETER_CONSTRAINTS = {
    "max_epochs": [Interval(Integral, 1, None, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "lr": [Interval(Real, 0, None, closed="neither")],
    "weight_decay": [Interval(Real, 0, None, closed="left")],
    "early_stopping": ["boolean", StrOptions({"auto"})],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "patience": [Interval(Integral, 1, None, closed="left")],
    "device": [str],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
}


#: Fewest validation rows for which ``early_stopping="auto"`` stops early. A
#: validation loss over a handful of rows picks the stopping epoch by chance
#: (with 20 samples and validation_fraction=0.1 it would be 2 rows).
MIN_VALIDATION_ROWS = 20


def seed_from_random_state(random_state) -> int:
    """Draw a torch seed from an int, a ``RandomState`` or None (fresh entropy)."""
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def member_random_states(random_state, n_members):
    """One ``random_state`` per member of a seed ensemble; the first is ``random_state``.

    An int gives the other members ints derived from it (the same int gives
    the same members, in any process); None gives None (fresh entropy each);
    a ``RandomState`` gives ints drawn from a copy of it, so the caller's
    generator is not advanced and the members are drawn alike at each fit.
    """
    if random_state is None:
        return [None] * n_members
    if isinstance(random_state, np.random.RandomState):
        draws = copy.deepcopy(random_state).randint(np.iinfo(np.int32).max, size=n_members - 1)
        return [random_state, *(int(d) for d in draws)]
    seed = int(random_state)
    return [seed, *(int(np.random.SeedSequence(seed, spawn_key=(2, m)).generate_state(1)[0]
                        % np.iinfo(np.int32).max) for m in range(1, n_members))]


# Torch draws weights, batch order and dropout from one process-wide generator
# (dropout cannot take a generator of its own). Seeded blocks in different
# threads (joblib's threading backend, dask with processes=False) would
# interleave their draws, so they take turns.
_GLOBAL_GENERATOR_LOCK = threading.RLock()


@contextlib.contextmanager
def seeded(seed: int, device: str = "cpu"):
    """Seed torch inside a forked RNG so the caller's global state is untouched.

    Seeded blocks run one at a time across the threads of a process, so that
    the same seed gives the same draws however fits are scheduled.
    """
    devices = [torch.device(device).index or 0] if _is_cuda(device) else []
    with _GLOBAL_GENERATOR_LOCK, torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def _validation_split(n_samples, y, fraction, stratify, seed):
    """Return a skorch train split for early stopping, or None when impossible.

    Data too small to hold out ``fraction`` of it while keeping at least two
    training rows cannot be split: that is a clear error. A stratified split
    needs every class in both parts; when the classes are too small for that
    we fall back to a random split and say so.
    """
    n_valid = max(1, math.floor(fraction * n_samples))
    if n_samples - n_valid < 2:
        raise ValueError(
            f"Too few samples for the validation split: {n_samples} sample(s) with "
            f"validation_fraction={fraction} leave {n_samples - n_valid} for training "
            "(at least 2 are needed). Pass early_stopping=False or give more samples."
        )
    if stratify and y is not None:
        _, counts = np.unique(y, return_counts=True)
        n_classes = len(counts)
        if counts.min() < 2 or n_valid < n_classes or n_samples - n_valid < n_classes:
            warnings.warn(
                f"The validation split ({n_valid} of {n_samples} samples) cannot hold "
                f"every one of the {n_classes} classes; using an unstratified split. "
                "Early stopping on so few samples is noisy: consider early_stopping=False.",
                UserWarning,
                stacklevel=4,
            )
            stratify = False
    # ValidSplit wants a float fraction; give the exact count as a fraction.
    return ValidSplit(cv=n_valid / n_samples, stratified=stratify, random_state=seed)


class RowBatches:
    """Mini-batches of rows sliced from tensors: skorch's ``iterator_train``/``iterator_valid``.

    skorch's default iterator, a torch ``DataLoader`` over a skorch
    ``Dataset``, fetches and converts every row on its own and then stacks
    the rows into a batch. For a few hundred rows of a few dozen values that
    costs more than the optimisation step itself. Here the rows become
    tensors once, when skorch creates the iterator (once per fit), and every
    batch is one ``index_select`` (a slice when not shuffling); skorch moves
    it to the net's device.

    Training batches (``shuffle=True``) are a fresh random order of the rows
    on every pass, drawn from torch's global generator, cut into
    ``round(n_rows / batch_size)`` batches of equal size (give or take a
    row): every row is used once per pass, and there is no last batch of a
    handful of rows, which would cost a full step for a noisy gradient (with
    the default 64 rows, 324 training rows make five batches of 64 or 65, not
    five of 64 and one of 4). Batches in a fixed order (validation,
    prediction) hold ``batch_size`` rows, the last one the rest.

    Parameters
    ----------
    dataset : skorch.dataset.Dataset or torch.utils.data.Subset of one
        What skorch passes: the arrays given to ``fit``, or the part of them
        a train split selected. Targets are required.
    batch_size : int
        Rows per batch.
    shuffle : bool, default=False
        Random, balanced batches, drawn anew on every pass.
    """

    def __init__(self, dataset, batch_size, shuffle=False):
        self.X, self.y = _dataset_tensors(dataset)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle

    def __len__(self):
        return len(self._bounds()) - 1

    def _bounds(self):
        n_rows = len(self.X)
        if not self.shuffle:
            return [*range(0, n_rows, self.batch_size), n_rows]
        n_batches = max(1, round(n_rows / self.batch_size))
        return [i * n_rows // n_batches for i in range(n_batches + 1)]

    def __iter__(self):
        bounds = self._bounds()
        if not self.shuffle:
            for start, stop in itertools.pairwise(bounds):
                yield self.X[start:stop], self.y[start:stop]
            return
        order = torch.randperm(len(self.X))
        for start, stop in itertools.pairwise(bounds):
            rows = order[start:stop]
            yield self.X.index_select(0, rows), self.y.index_select(0, rows)


def _derived_seed(seed):
    """A second seed from ``seed``, for a stream of its own (no draw from torch's generator)."""
    return int(np.random.SeedSequence([seed, 1]).generate_state(1)[0])


def _dataset_tensors(dataset):
    """X and y of a skorch dataset (or of a subset of one) as CPU tensors."""
    rows = None
    if isinstance(dataset, torch.utils.data.Subset):
        dataset, rows = dataset.dataset, torch.as_tensor(np.asarray(dataset.indices))
    if dataset.y is None:
        raise ValueError("RowBatches needs targets: pass y to fit.")
    tensors = []
    for values in (dataset.X, dataset.y):
        if isinstance(values, np.ndarray) and not values.flags.writeable:
            values = values.copy()  # torch.as_tensor warns on read-only memory
        tensor = torch.as_tensor(values)
        tensors.append(tensor if rows is None else tensor.index_select(0, rows))
    return tuple(tensors)


class _ThreadPolicy:
    """Restores torch's intra-op thread count after blocks that cap it.

    ``torch.set_num_threads`` sets the calling thread's OpenMP count and a
    process-wide default that every thread started later picks up. Fits and
    predictions may run in several threads at once
    (``perturbation_effects(n_jobs=2)``, joblib's threading backend), so a
    block that saved the count on entry and put it back on exit would, when
    blocks overlap, leave the default on one block's cap: every thread
    started afterwards would run on one thread. Here each block gives its
    own thread back the count it had, and the last block to leave restores
    the process-wide default from before the first one began, under a lock.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._active = 0  # blocks running now, in any thread
        self._original = None  # the count before the first of them began

    @contextlib.contextmanager
    def cap(self, num_threads):
        with self._lock:
            saved = torch.get_num_threads()
            if not self._active:
                self._original = saved if _in_main_thread() else _process_default()
            self._active += 1
            torch.set_num_threads(num_threads)
        try:
            yield
        finally:
            with self._lock:
                self._active -= 1
                torch.set_num_threads(saved if self._active else self._original)


_THREAD_POLICY = _ThreadPolicy()


def _in_main_thread():
    return threading.current_thread() is threading.main_thread()


def _process_default():
    """The count a thread started now would get.

    A worker thread's own count can be stale: it took the default of the
    moment it first used torch, perhaps while another block had it capped.
    """
    seen = []
    probe = threading.Thread(target=lambda: seen.append(torch.get_num_threads()))
    probe.start()
    probe.join()
    return seen[0]


def torch_threads(num_threads=None):
    """Cap torch's intra-op CPU threads inside the block (None: leave as is).

    The only way skgenecyt changes torch's thread count. Safe when blocks
    overlap across threads: after any mix of them the process has the count
    it had before the first began.
    """
    if num_threads is None:
        return contextlib.nullcontext()
    if not isinstance(num_threads, Integral) or num_threads < 1:
        raise ValueError(f"num_threads must be a positive int or None; got {num_threads!r}.")
    return _THREAD_POLICY.cap(int(num_threads))


class TorchEstimatorMixin:
    """Training plumbing shared by skgenecyt's torch estimators.

    Subclasses define the usual training parameters (see
    ``TRAINING_PARAMETER_CONSTRAINTS``) in ``__init__`` and call
    :meth:`_train_net` from ``fit``. The trained net is stored by the caller
    on ``net_``; :meth:`_forward` runs it in evaluation mode, in batches.
    Subclasses set ``_small_data_epochs``, the epochs trained when
    ``early_stopping="auto"`` finds too few rows to stop early.
    """

    _small_data_epochs = 100

    def _train_net(self, module, criterion, X, y, *, stratify=False, module_params=None,
                   criterion_params=None, callbacks=(), num_threads=None):
        """Build a skorch net around ``module`` and train it on (X, y).

        ``module`` must be a ``torch.nn.Module`` class (not an instance) with
        its constructor arguments in ``module_params``, so that its weights are
        initialised inside the seeded context.

        ``criterion`` is called as ``criterion(module_output, y)``; for an
        autoencoder pass the input as ``y``. Returns the fitted net with the
        best-validation weights restored when early stopping is on.

        ``num_threads`` caps torch's CPU threads while training (restored
        afterwards). Small networks train faster on one thread: with several,
        every tiny operation pays thread start-up and, on a busy machine,
        waits for the slowest thread to be scheduled.
        """
        self._check_device()
        seed = seed_from_random_state(self.random_state)
        X = np.ascontiguousarray(X, dtype=np.float32)
        train_split = None
        callbacks = list(callbacks)
        self.early_stopping_ = self._stops_early(X.shape[0])
        max_epochs = self.max_epochs
        if self.early_stopping == "auto" and not self.early_stopping_:
            max_epochs = min(self.max_epochs, self._small_data_epochs)
        if self.early_stopping_:
            train_split = _validation_split(
                X.shape[0], y, self.validation_fraction, stratify, seed
            )
            callbacks += [
                ("same_validation_draws", _SameValidationDraws(_derived_seed(seed), self.device)),
                ("early_stopping", _EarlyStopping(
                    monitor="valid_loss", patience=self.patience,
                    sink=print if self.verbose else _silent,
                )),
            ]
        params = {f"module__{k}": v for k, v in (module_params or {}).items()}
        params.update({f"criterion__{k}": v for k, v in (criterion_params or {}).items()})
        net = NeuralNet(
            module=module,
            criterion=criterion,
            optimizer=torch.optim.AdamW,
            optimizer__weight_decay=self.weight_decay,
            **_fused_optimizer(self.device),
            lr=self.lr,
            max_epochs=max_epochs,
            batch_size=self.batch_size,
            iterator_train=RowBatches,
            iterator_train__shuffle=True,
            iterator_valid=RowBatches,
            train_split=train_split,
            callbacks=callbacks,
            device=self.device,
            verbose=int(self.verbose),
            # skorch formats a table of every epoch even when it prints nothing.
            callbacks__print_log=None if not self.verbose else PrintLog(),
            **params,
        )
        with seeded(seed, self.device), torch_threads(num_threads):
            net.fit(X, y)
        # The fused kernel is how this machine trained, not part of the model:
        # kept as a parameter, it would travel with saved models and make a torch
        # without it (before 2.4, on the CPU) refuse to build their optimiser.
        vars(net).pop("optimizer__fused", None)
        return net

    def _stops_early(self, n_samples):
        """Whether training on ``n_samples`` rows stops early (``early_stopping="auto"``).

        ``"auto"`` stops early when the validation split holds at least
        ``MIN_VALIDATION_ROWS`` rows; below that it trains a fixed budget of
        ``min(max_epochs, _small_data_epochs)`` epochs on every row.
        """
        if self.early_stopping != "auto":
            return bool(self.early_stopping)
        return math.floor(self.validation_fraction * n_samples) >= MIN_VALIDATION_ROWS

    def _check_device(self):
        try:
            device = torch.device(self.device)
        except RuntimeError as exc:
            raise ValueError(
                f"device={self.device!r} is not a torch device; use e.g. 'cpu', 'cuda' or "
                "'cuda:0'."
            ) from exc
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(
                f"device={self.device!r} was requested but CUDA is not available "
                "on this machine; use device='cpu'."
            )
        if device.type == "cuda" and (device.index or 0) >= torch.cuda.device_count():
            raise ValueError(
                f"device={self.device!r} names GPU {device.index}, but this machine has "
                f"{torch.cuda.device_count()} (numbered from 0)."
            )
        if device.type not in ("cpu", "cuda"):
            # Other backends (mps, xpu, ...): allocating is the portable availability test.
            try:
                torch.empty(0, device=device)
            except (RuntimeError, AssertionError) as exc:
                raise ValueError(
                    f"device={self.device!r} is not available on this machine ({exc}); "
                    "use device='cpu'."
                ) from exc

    def _forward(self, X, method=None, batch_size=None):
        """Run the fitted ``net_`` on X in eval mode; returns CPU tensor(s).

        By default this is the module's ``forward`` through skorch. With
        ``method`` (the name of another module method, e.g. ``"encode"``) that
        method is called instead, on row batches of ``batch_size`` (default
        ``net_.batch_size``) taken straight from the array, which avoids
        skorch's per-row data loading.
        """
        X = np.ascontiguousarray(X, dtype=np.float32)
        net = self.net_
        if net.device != self.device:
            # e.g. a model trained on a GPU, used on a CPU after set_params(device="cpu")
            self._check_device()
            net.set_params(device=self.device)
            net.module_.to(self.device)
            net.criterion_.to(self.device)
        if method is None:
            with torch.no_grad():
                return net.forward(X, training=False, device="cpu")
        return _call_in_batches(getattr(net.module_, method), net.module_, X,
                                batch_size or net.batch_size, net.device)

    def _history_frame(self):
        """Per-epoch training history of ``net_`` as a DataFrame."""
        keys = ["epoch", "train_loss", "valid_loss", "dur"]
        rows = [{k: row.get(k, np.nan) for k in keys} for row in self.net_.history]
        return pd.DataFrame(rows, columns=keys)


def _call_in_batches(fn, module, X, batch_size, device):
    """``fn`` on row batches of X in eval mode, outputs concatenated on the CPU."""
    if not X.flags.writeable:  # torch.from_numpy warns on read-only memory
        X = X.copy()
    X = torch.from_numpy(X)
    module.eval()
    outputs = []
    with torch.no_grad():
        for start in range(0, max(len(X), 1), batch_size):
            out = fn(X[start:start + batch_size].to(device))
            outputs.append(tuple(o.cpu() for o in out) if isinstance(out, tuple) else out.cpu())
    if isinstance(outputs[0], tuple):
        return tuple(torch.cat(parts) for parts in zip(*outputs))
    return torch.cat(outputs)


class _SameValidationDraws(Callback):
    """Validation passes draw the same random numbers every epoch.

    A network that samples in evaluation mode (the VAE's posterior draw)
    gives a validation loss that moves from epoch to epoch with its own draws
    as well as with training, and early stopping then chases the draws: the
    best epoch is often only the luckiest one, and every lucky draw restarts
    the patience. With the same draws every epoch (common random numbers, from
    ``seed``), two epochs' losses differ only by what training changed.
    Networks that do not sample in evaluation mode are unaffected. Training
    draws are untouched.
    """

    def __init__(self, seed, device="cpu"):
        self.seed = seed
        self.device = device

    def on_train_begin(self, net, **kwargs):
        self._saved = None

    def on_batch_begin(self, net, training=False, **kwargs):
        if not training:
            # torch.manual_seed would also seed (lazily) every CUDA and XPU
            # device, formatting a stack trace each time: slower than the pass.
            generators = [torch.default_generator]
            if _is_cuda(self.device):
                index = torch.device(self.device).index or 0
                generators.append(torch.cuda.default_generators[index])
            self._saved = [(g, g.get_state()) for g in generators]
            for generator in generators:
                generator.manual_seed(self.seed)

    def on_batch_end(self, net, training=False, **kwargs):
        if not training and self._saved is not None:
            for generator, state in self._saved:  # back to the training stream
                generator.set_state(state)
            self._saved = None


def _is_cuda(device):
    return str(device).startswith("cuda") and torch.cuda.is_available()


class _EarlyStopping(EarlyStopping):
    """skorch's early stopping, keeping the best weights as plain tensor copies.

    skorch's ``load_best`` deep-copies the whole state dict at every
    improvement, fixed buffers included (the VAE's principal axes: megabytes
    per copy, at most epochs). Only the parameters change in training, so
    only they are copied here, and they are restored when training ends.
    """

    def __init__(self, **kwargs):
        super().__init__(load_best=False, **kwargs)

    def on_train_begin(self, net, **kwargs):
        super().on_train_begin(net, **kwargs)
        self.best_parameters_ = None

    def on_epoch_end(self, net, **kwargs):
        super().on_epoch_end(net, **kwargs)  # raises KeyboardInterrupt to stop
        if self.best_epoch_ == len(net.history):  # this epoch improved
            self.best_parameters_ = [p.detach().clone() for p in net.module_.parameters()]

    def on_train_end(self, net, **kwargs):
        super().on_train_end(net, **kwargs)
        if self.best_parameters_ is not None and self.best_epoch_ != len(net.history):
            with torch.no_grad():
                for param, best in zip(net.module_.parameters(), self.best_parameters_):
                    param.copy_(best)
            self._sink(f"Restoring best model from epoch {self.best_epoch_}.",
                       verbose=net.verbose)
        self.best_parameters_ = None  # not kept in the fitted net (nor in its pickles)


def _fused_optimizer(device):
    """``{"optimizer__fused": True}`` where torch has a fused AdamW for ``device``.

    The fused kernel updates every parameter in one pass; torch's default on
    the CPU loops over the parameters in Python with a dozen small operations
    each, a third of a training step for the small networks here. Torch
    builds before 2.4 have no fused AdamW on the CPU: the default is kept there.
    """
    return {"optimizer__fused": True} if _has_fused_adamw(torch.device(device).type) else {}


@functools.cache
def _has_fused_adamw(device_type):
    try:
        torch.optim.AdamW([torch.zeros(1, device=device_type, requires_grad=True)], fused=True)
    except (RuntimeError, TypeError, ValueError):
        return False
    return True


def _silent(*args, **kwargs):
    return None
