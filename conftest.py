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
