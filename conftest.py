"""Settings for every test the repository collects: unit tests, doctests and the notebooks (nbval).

One thread per numeric library, as every kernel of `cxlab run` has: the notebooks' stored outputs
were computed so (a multi-threaded BLAS can change a result's last digits), and test workers side
by side do not crowd each other out. Set here, at the root, so that it holds however pytest is
started (``pytest notebooks/05_churn.ipynb`` too): in this process through threadpoolctl, for the
libraries already loaded, and in the environment the notebook kernels inherit.
"""

import os

from threadpoolctl import threadpool_limits

from cxlab.runner._execute import thread_limits

os.environ.update(thread_limits())
threadpool_limits(1)


def pytest_collection_modifyitems(config, items):
    """Run the slow tests first, so that the quick ones fill the workers' last minutes.

    ``make test`` spreads whole modules and classes over the workers in the order they are
    collected (``--dist loadscope --no-loadscope-reorder``). Left in file order, or ordered by
    their number of tests as pytest-xdist does by default, a full run of every chapter (one test,
    a minute or more) can start last, and one worker then runs it alone while the other idles.
    Whole files move, so that a file's fixtures are still made once in a run without workers.
    """
    slow = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow)  # a stable sort: file order is kept
