# %% [markdown] id="header"
# # Lecture 00 · Getting started: Jupyter, Colab and NumPy
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({{COLAB_URL}})
#
# Before any neural network, two practical things. First, where to run the course's notebooks: on your own computer in
# **JupyterLab**, or in the browser with **Google Colab**. Second, the handful of **NumPy** ideas every later lecture leans on:
# arrays and their shapes, indexing, the `axis` argument, broadcasting, and why we avoid Python loops. On the way you will
# see that a picture of a handwritten digit is nothing but a 28×28 table of numbers.
#
# You will write three small tools that the rest of the course uses:
#
# | function | what it does |
# |---|---|
# | `one_hot(y, num_classes)` | integer labels `(N,)` → one-hot rows `(N, C)` of floats |
# | `standardize(X, mean=None, std=None, eps=1e-8)` | scales every feature (column) of `X` `(N, D)` to mean 0 and standard deviation 1; returns `(X_std, mean, std)` and reuses a `mean` and `std` it is given |
# | `accuracy(scores_or_labels, y)` | the fraction of correct predictions, from scores `(N, C)` or predicted labels `(N,)` |
#
# *Never used a notebook?* Section 1 says what to click. In Colab, the first code cell below asks for access to your Google Drive:
# allow it, with the Google account that holds the course folder.
#
# **How to work through this notebook.** Read top to bottom and run each cell in order (Shift+Enter).
# Cells marked *Your turn* contain `# YOUR CODE HERE` and `raise NotImplementedError()`: replace both with your code.
# The cell after each exercise runs *checks*; if one fails, its message says what is wrong.
# When you hand the notebook in, hidden tests check the same functions more thoroughly, so make sure the visible checks pass first.
# In Colab: *File → Save a copy in Drive* is not needed if you opened the notebook from your Drive folder; save with Ctrl+S (⌘+S) and download it with *File → Download → Download .ipynb*.
#
# *Sources.* Where the text says **the lecture notes**, it means the material this course was built from: a lecture handout on
# classification, a student's homework report on backpropagation, a study group's slides (**the study-group slides**: XOR,
# initialisation, dropout, batch normalisation) and a slide deck introducing feed-forward and convolutional networks. You do not
# need them: every figure and worked example taken from them is reproduced here.

# %% setup id="setup"

# %% [markdown] id="notebooks"
# ## 1. Notebooks: where your code runs
#
# A notebook is a list of **cells**. Text cells, like this one, explain; code cells hold Python. Click into a code cell and
# press **Shift+Enter**: the code runs, its output appears below it, and the cursor moves on to the next cell.
# (Ctrl+Enter runs a cell and stays on it.)
#
# Behind the page runs a Python process, the **kernel**. It remembers every variable of every cell you have run, *in the order
# you ran them*, which need not be the order on the page. Try it: run the next two cells, then run the second one a few more times.

# %% id="state-1"
counter = 0
print("counter is", counter)

# %% id="state-2"
counter = counter + 1
print("counter is", counter)

# %% [markdown] id="state-explained"
# The second cell printed 1, then 2, then 3, although nothing on the page changed. The number in brackets to the left of a cell,
# like `[7]`, says when it ran; `[*]` means it is still running.
#
# This is why, before handing in, you **restart the kernel and run all cells** from the top: that is exactly what the grader
# does, and it sees only what a clean top-to-bottom run produces. A notebook that works only thanks to a cell you ran an hour
# ago and have since deleted will fail there.

# %% [markdown] id="jupyter-steps"
# ### 1.1 In JupyterLab, on your own computer
#
# 1. Install Python 3 (3.9 or newer). In a terminal: `pip install jupyterlab numpy matplotlib tqdm`.
# 2. Download the course folder and unzip it. Keep its layout: the notebooks in `release/` find the course's helper package
#    `course/` by looking in the folders above them.
# 3. In a terminal, go into the course folder (`cd path/to/the/course/folder`) and start `jupyter lab`. A browser tab opens.
# 4. In the file browser on the left, open `release` → `00_getting_started` → `00_getting_started.ipynb`.
# 5. Run the cells in order with **Shift+Enter**. Write your answers where it says `# YOUR CODE HERE`. Save often: **Ctrl+S** (⌘+S on a Mac).
# 6. Before handing in: *Kernel → Restart Kernel and Run All Cells…*; every cell should run without an error.
# 7. Hand in the `.ipynb` file on the LMS (section 10).

# %% [markdown] id="colab-steps"
# ### 1.2 In Google Colab, in the browser
#
# Colab is Google's free notebook service. It runs the same notebooks on Google's computers, with NumPy and matplotlib already
# installed; you need a Google account and a browser, nothing else. Your files live in your Google Drive.
#
# 1. **Once:** open [colab.research.google.com](https://colab.research.google.com) with your Google account. Colab keeps
#    notebooks in a Drive folder named **Colab Notebooks**; it appears in *My Drive* the first time you save a notebook in
#    Colab, or you can create it yourself (spelt exactly like that).
# 2. Unzip the course folder on your computer. In [Google Drive](https://drive.google.com), open *My Drive → Colab Notebooks*
#    and upload the **unzipped folder** with *New → Folder upload*. Upload the folder, not the `.zip`, and put it directly
#    inside *Colab Notebooks*, not one level deeper: the setup cell looks for `Colab Notebooks/<course folder>/course/`.
# 3. In Drive, open the course folder → `release` → `00_getting_started`, double-click `00_getting_started.ipynb` and choose
#    *Open with → Google Colaboratory*.
# 4. Run the **first code cell** (Shift+Enter, or its ▶ button). Colab asks whether this notebook may access your Google Drive
#    files: click *Connect to Google Drive*, pick the Google account you uploaded the folder with, and allow access.
# 5. When the cell has printed `course helpers … loaded from …`, run everything: *Runtime → Run all* (Ctrl+F9).
# 6. Write your answers in the cells marked *Your turn*. Save with **Ctrl+S** (⌘+S); Colab saves the notebook back to your Drive.
# 7. Hand in: *File → Download → Download .ipynb* puts the notebook on your computer; upload that file on the LMS.
#
# Colab forgets everything (variables, the Drive connection) after a while without activity or when you close the tab. Then
# run the first cell again and carry on; *Runtime → Restart session and run all* is Colab's "restart and run all". The folder
# icon in Colab's left sidebar shows `drive/MyDrive/Colab Notebooks/…`, your uploaded folder, if you are curious about the
# helper code in `course/` (you never need to edit it).
#
# The *Open in Colab* badge at the top opens a fresh copy straight from the course's online repository, without your Drive.
# That is handy for a quick look; to keep work done there, use *File → Save a copy in Drive*.

# %% [markdown] id="setup-explained"
# ### 1.3 What the setup cell does
#
# One notebook works in both places because of its first code cell. It runs `import course`, the course's helper package
# (plots, checks, the MNIST loader). If Python cannot find it, the cell goes looking: in Colab it connects your Google Drive
# (the permission you gave) and searches `Colab Notebooks/*/course`; in Jupyter it searches the notebook's folder and the
# folders above it. If that search finds nothing (as with the *Open in Colab* badge, which opens the notebook without your
# folder), it installs the helpers with `pip` from the course's repository. Then it imports NumPy as `np`, matplotlib as `plt` and the check functions, and prints where the helpers came
# from. So: **run the setup cell first**, and again whenever the kernel was restarted. The next cell tells you where you are.

# %% id="where-am-i"
in_colab = "google.colab" in sys.modules
print("running in:", "Google Colab" if in_colab else "Jupyter (or another notebook program on this computer)")
print("Python", sys.version.split()[0], "| NumPy", np.__version__)
print("course helpers from:", Path(course.__file__).parent)

# %% [markdown] id="exercises-and-checks"
# ### 1.4 Exercises and checks
#
# Each *Your turn* cell holds a function whose body is `# YOUR CODE HERE` and `raise NotImplementedError()`. Delete those two lines
# and write the body. Keep the function's name and arguments, and do not delete, copy or move cells: the grader finds your answer
# by its cell. The cell after each exercise runs **checks**. When one fails it stops with an `AssertionError` whose message says
# what is wrong, like this made-up one:

# %% id="check-demo"
try:
    check_close(np.array([0.5, 2.0]), [0.5, 2.5], "a made-up answer")
except AssertionError as err:
    print("AssertionError:", err)

# %% [markdown] id="hidden-tests"
# The visible checks compare your function with a few known answers. When you hand in, the grader also runs **hidden tests**:
# the same ideas on more inputs (other shapes, edge cases). A function that merely reproduces the visible numbers can still lose
# points; one that does what the text asks passes them.

# %% [markdown] id="arrays"
# ## 2. NumPy arrays and their shapes
#
# Everything in this course is an array of numbers: images, labels, weights, scores, gradients. An array has a **shape**, the
# number of entries along each of its dimensions (the number of dimensions is its `ndim`), and a **dtype**, the kind of number it stores. Most bugs in
# neural-network code are shape bugs, so print `.shape` often.

# %% id="arrays-basic"
v = np.array([3.0, 1.0, 4.0, 1.0, 5.0])       # a vector
M = np.array([[1, 2, 3],
              [4, 5, 6]])                     # a matrix: 2 rows, 3 columns
print("v =", v, "  shape", v.shape, " ndim", v.ndim, " dtype", v.dtype)
print("M =\n", M, "\n  shape", M.shape, " ndim", M.ndim, " dtype", M.dtype)
print("np.zeros((2, 4)) =\n", np.zeros((2, 4)))
print("np.arange(12).reshape(3, 4) =\n", np.arange(12).reshape(3, 4))

# %% [markdown] id="dtype"
# **Mind the dtype.** `M` was built from whole numbers, so it stores integers, and an integer array silently drops the fraction
# of anything you put into it:

# %% id="dtype-demo"
M_int = M.copy()
M_int[0, 0] = 0.75          # stored into an integer array ...
print("M_int[0, 0] =", M_int[0, 0], "  (the 0.75 became 0)")
M_float = M.astype(float)   # a float copy keeps fractions
M_float[0, 0] = 0.75
print("M_float[0, 0] =", M_float[0, 0], "  dtype", M_float.dtype)

# %% [markdown] id="batch-first"
# The course keeps data, weights and probabilities in `float64`, and uses integers for labels and positions.
#
# ### The batch-first convention
#
# A data set of $N$ examples, each described by $D$ numbers (**features**), is a matrix `X` of shape `(N, D)`:
# **one example per row, one feature per column**. The labels are a vector `y` of shape `(N,)` holding integers `0 … C-1`
# for $C$ classes; `y[i]` is the class of the example `X[i]`. Images follow the same rule: the first axis counts examples.
#
# A tiny made-up example: five people, each described by yearly income (dollars) and hours of work per day, in three classes.

# %% id="people"
X = np.array([[1_000_000.0,  8.0],
              [  400_000.0, 10.0],
              [2_500_000.0,  6.0],
              [  900_000.0,  9.0],
              [1_200_000.0,  7.5]])
y = np.array([1, 0, 2, 1, 1])
N, D = X.shape
print(f"X has shape {X.shape}: N = {N} examples, D = {D} features;  y has shape {y.shape}")

# %% [markdown] id="column-form"
# The lecture notes write a layer as `np.dot(W1.T, X) + B1`, with one example per **column** (`X` of shape `(D, N)`), as many
# textbooks do. It is the same computation transposed: with one example per row it reads `X @ W1 + b1`, and the result again
# has one row per example. This course uses the row form everywhere.

# %% [markdown] id="indexing"
# ## 3. Indexing: rows, columns, single entries
#
# `X[i]` is row `i` (one example), `X[:, j]` is column `j` (one feature of every example), `X[a:b]` are rows `a` to `b-1`.
# Positions start at 0; negative ones count from the end.

# %% id="indexing-basic"
print("first example      X[0]    =", X[0])
print("income feature     X[:, 0] =", X[:, 0])
print("examples 1 and 2   X[1:3]  =\n", X[1:3])
print("last label         y[-1]   =", y[-1])

# %% [markdown] id="masks"
# A **boolean mask** picks the rows where a condition holds. An **integer array** picks any rows you list, in any order, repeats allowed.

# %% id="masks-demo"
is_class_1 = (y == 1)
print("y == 1      :", is_class_1)
print("X[y == 1]   =\n", X[is_class_1])
print("X[[4, 0, 0]] =\n", X[[4, 0, 0]])

# %% [markdown] id="pairs"
# **One entry per row.** Given two integer arrays, one of rows and one of columns, NumPy pairs them up:
# `A[rows, cols]` is `[A[rows[0], cols[0]], A[rows[1], cols[1]], …]`. With `rows = np.arange(N)` and `cols = y` this takes,
# from every row `i`, the entry in column `y[i]`: for instance the score of each example's correct class. You will use it in
# every lecture from 02 on. Do not confuse it with `A[:, y]`, which takes whole **columns**:

# %% id="pairs-demo"
A = np.arange(15).reshape(5, 3) * 10.0     # say, the scores of 5 examples for 3 classes
print("A =\n", A)
print("y                  =", y)
print("A[np.arange(5), y] =", A[np.arange(5), y], "  <- one entry per row")
print("A[:, y].shape      =", A[:, y].shape, "  <- five whole columns: not what we want")

# %% [markdown] id="views"
# **Slices are views.** `row = X[0]` does not copy anything: `row` and `X` share their memory, so changing `row` changes `X`.
# The same happens inside a function: `X -= m` changes the caller's array, while `X = X - m` builds a new one. Unless changing its
# input is a function's job, it should leave its inputs alone; the hidden tests check that yours do.

# %% id="views-demo"
X_copy = X.copy()
row = X_copy[0]
row[1] = 0.0
print("X_copy[0] after changing row:", X_copy[0], "  <- changed too")
print("X[0] (we worked on a copy):  ", X[0])


# %% [markdown] id="onehot-task"
# ### Your turn: one-hot labels
#
# A label is a class number, but a classifier outputs $C$ numbers per example, one score (later: one probability) per class.
# To compare the two we write each label as a **one-hot** vector: $C$ entries, all 0 except a 1 at the position of the label.
# The lecture notes do this for the first training labels of MNIST, 5 0 4 1 9 2 1 3, with $C = 10$ digits:
#
# | label | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 |
# |---|---|---|---|---|---|---|---|---|---|---|
# | **5** | 0 | 0 | 0 | 0 | 0 | **1** | 0 | 0 | 0 | 0 |
# | **0** | **1** | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
# | **4** | 0 | 0 | 0 | 0 | **1** | 0 | 0 | 0 | 0 | 0 |
# | **1** | 0 | **1** | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
# | **9** | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | **1** |
# | **2** | 0 | 0 | **1** | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
# | **1** | 0 | **1** | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
# | **3** | 0 | 0 | 0 | **1** | 0 | 0 | 0 | 0 | 0 | 0 |
#
# Write `one_hot(y, num_classes)`: `y` `(N,)` holds integer labels in `[0, num_classes)`; return a **float** array `Y` of shape
# `(N, num_classes)` with `Y[i, y[i]] = 1` and zeros elsewhere.
#
# * Start from `np.zeros((N, num_classes))` (floats) and set one entry per row with the pairing trick above; a loop over the rows works too.
# * Take the number of columns from `num_classes`, not from `y.max() + 1`: a small batch need not contain the largest class, and its rows would come out too short.
# * Do not change `y`.

# %% solution id="one_hot"
def one_hot(y, num_classes):
    """One-hot encoding of integer labels.

    y: (N,) integer labels in [0, num_classes); num_classes: C, the number of classes.
    Returns Y: (N, C) float array with Y[i, y[i]] = 1 and every other entry 0.
    """
    ### BEGIN SOLUTION
    y = np.asarray(y)
    Y = np.zeros((y.shape[0], num_classes))
    Y[np.arange(y.shape[0]), y] = 1.0
    return Y
    ### END SOLUTION


# %% tests id="test_one_hot" points=2
# Checks for one_hot
Y = one_hot(np.array([5, 0, 4, 1, 9, 2, 1, 3]), 10)
check_shape(Y, (8, 10), "one_hot of 8 labels with 10 classes")
check(np.issubdtype(np.asarray(Y).dtype, np.floating),
      f"one_hot should return a float array; yours has dtype {np.asarray(Y).dtype}. "
      "np.zeros((N, num_classes)) gives floats.")
expected = [[0, 0, 0, 0, 0, 1, 0, 0, 0, 0],  # 5
            [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # 0
            [0, 0, 0, 0, 1, 0, 0, 0, 0, 0],  # 4
            [0, 1, 0, 0, 0, 0, 0, 0, 0, 0],  # 1
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],  # 9
            [0, 0, 1, 0, 0, 0, 0, 0, 0, 0],  # 2
            [0, 1, 0, 0, 0, 0, 0, 0, 0, 0],  # 1
            [0, 0, 0, 1, 0, 0, 0, 0, 0, 0],  # 3
]
check_close(Y, expected, "the one-hot rows of the labels 5 0 4 1 9 2 1 3")
Y = one_hot(np.array([0, 1, 1]), 4)
check_shape(Y, (3, 4), "one_hot(np.array([0, 1, 1]), 4), a batch in which classes 2 and 3 do not appear,")
print("one_hot: visible checks passed")
### BEGIN HIDDEN TESTS
_Y = one_hot(np.array([0, 2, 1, 2]), 7)
check(np.shape(_Y)[:1] != (4,) or np.shape(_Y) == (4, 7),
      "one_hot(y, 7) must have 7 columns even when the largest label in y is 2: "
      "take the number of columns from num_classes, not from y.")
check_shape(_Y, (4, 7), "one_hot of 4 labels with num_classes=7")
_rng = np.random.default_rng(1000)
for _n, _c in [(1, 3), (7, 10), (12, 5), (4, 20), (30, 2), (6, 6)]:
    _y = _rng.integers(0, _c, size=_n)
    _y0 = _y.copy()
    _Y = one_hot(_y, _c)
    check_unchanged(_y0, _y, "The label array `y`")
    check_shape(_Y, (_n, _c), f"one_hot of {_n} labels with num_classes={_c}")
    check(np.issubdtype(np.asarray(_Y).dtype, np.floating),
          "one_hot should return a float array (like np.zeros gives), not integers or booleans.")
    check_close(np.sum(_Y, axis=1), np.ones(_n), f"the row sums of one_hot for {_n} labels", show_expected=False,
                hint="Every row should contain exactly one 1. Y[:, y] = 1 sets whole columns; set one entry per row.")
    _ref = np.zeros((_n, _c))
    _ref[np.arange(_n), _y0] = 1.0
    check_close(_Y, _ref, f"one_hot of {_n} random labels with {_c} classes", show_expected=False,
                hint="Row i should have its 1 in column y[i].")
_Y = one_hot(np.array([3, 3, 0], dtype=np.int32), 4)
check_close(_Y, [[0, 0, 0, 1], [0, 0, 0, 1], [1, 0, 0, 0]], "one_hot of int32 labels", show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="onehot-picture"
# Drawn as an image, a one-hot matrix has one black square per row. `argmax(axis=1)`, the position of the largest entry in
# each row, turns it back into labels; the next section explains the `axis`.

# %% id="onehot-plot"
labels = np.array([5, 0, 4, 1, 9, 2, 1, 3])
Y = one_hot(labels, 10)
print("Y.argmax(axis=1) =", Y.argmax(axis=1), "  the labels again")
fig, ax = plt.subplots(figsize=(5, 3.3))
ax.imshow(Y, cmap="Greys")
ax.set_xticks(range(10))
ax.set_yticks(range(len(labels)), [f"y = {v}" for v in labels])
ax.set_xlabel("column = class")
ax.set_title("one_hot(labels, 10)")
fig.tight_layout()

# %% [markdown] id="axis"
# ## 4. Reducing along an axis
#
# `sum`, `mean`, `std`, `max` and `argmax` work on a whole array or along one axis. The rule to remember:
# **the axis you name is the one that disappears.** For a matrix of shape `(2, 3)`:
#
# * `A.sum(axis=0)` adds down the rows and leaves one number per column: shape `(3,)`;
# * `A.sum(axis=1)` adds along each row and leaves one number per row: shape `(2,)`;
# * `A.sum()` adds everything: one number.

# %% id="axis-demo"
from course.images import show_axis_sums, show_broadcast, show_image_as_matrix

A = np.array([[1, 2, 3],
              [4, 5, 6]])
print("A.sum(axis=0) =", A.sum(axis=0), "  shape", A.sum(axis=0).shape)
print("A.sum(axis=1) =", A.sum(axis=1), "  shape", A.sum(axis=1).shape)
print("A.sum()       =", A.sum())
show_axis_sums(A);

# %% [markdown] id="axis-batch"
# With batch-first data `X` `(N, D)` this means: **`axis=0` runs over the examples** and gives one value per feature (the mean
# income, the mean hours); **`axis=1` runs over the features** and gives one value per example (for class scores, the predicted
# class `scores.argmax(axis=1)`). Averaging a person's income with their working hours, as `X.mean(axis=1)` does, means nothing.
#
# `keepdims=True` keeps the reduced axis with size 1: `A.sum(axis=1, keepdims=True)` has shape `(2, 1)` instead of `(2,)`.
# That is the shape needed to combine the result with `A` again, as the next section shows.

# %% id="axis-people"
print("mean of each feature,  X.mean(axis=0) =", X.mean(axis=0), "  shape", X.mean(axis=0).shape)
print("largest score per row, A.argmax(axis=1) =", A.argmax(axis=1))
print("A.sum(axis=1, keepdims=True) =\n", A.sum(axis=1, keepdims=True), "  shape", A.sum(axis=1, keepdims=True).shape)

# %% [markdown] id="broadcasting"
# ## 5. Broadcasting
#
# Arithmetic between arrays of different shapes works when NumPy can **stretch** them to one common shape. Compare the shapes
# from the right, one dimension at a time:
#
# 1. two sizes fit if they are equal or one of them is 1; a size-1 dimension is repeated to match the other;
# 2. a missing dimension on the left counts as 1.
#
# Example: `(3, 1) + (4,)`. The `(4,)` counts as `(1, 4)`; then 1 and 4 give 4, 3 and 1 give 3: the result is `(3, 4)`.
# NumPy copies nothing; the stretched copies (pale in the picture) exist only in the arithmetic.

# %% id="broadcast-demo"
a = np.array([[0], [10], [20]])    # shape (3, 1)
b = np.array([0, 1, 2, 3])         # shape (4,)
print(a + b)
show_broadcast(a, b);

# %% [markdown] id="broadcast-centre"
# The case you will meet most: subtract each feature's mean from every example. `X` is `(N, D)` and `X.mean(axis=0)` is
# `(D,)`, which counts as `(1, D)` and is stretched down all $N$ rows, so every column loses its own mean.

# %% id="broadcast-centre-demo"
mu = X.mean(axis=0)
print("X.shape", X.shape, "   mu.shape", mu.shape)
print("X - mu =\n", X - mu)
print("column means of X - mu:", (X - mu).mean(axis=0))

# %% [markdown] id="broadcast-trap"
# **A trap.** To subtract each *row's* mean, `X - X.mean(axis=1)` looks right but is not: `(N, D) - (N,)` lines `N` up against
# `D`. If $N \ne D$ NumPy refuses; if $N = D$ it silently subtracts the wrong numbers (the row means go down the columns).
# `keepdims=True` gives shape `(N, 1)`, which is stretched along each row as intended. This is why the hidden tests use
# non-square arrays: a square example can hide an axis mistake.

# %% id="broadcast-trap-demo"
try:
    X - X.mean(axis=1)
except ValueError as err:
    print("ValueError:", err)
print("with keepdims:", X.mean(axis=1, keepdims=True).shape, "->", (X - X.mean(axis=1, keepdims=True)).shape)

S = np.array([[1.0, 2.0],
              [10.0, 20.0]])   # square: no error, wrong answer
print("S - S.mean(axis=1)                =\n", S - S.mean(axis=1))
print("S - S.mean(axis=1, keepdims=True) =\n", S - S.mean(axis=1, keepdims=True))

# %% [markdown] id="vectorise"
# ## 6. Vectorise: let NumPy run the loops
#
# A dense layer computes, for every example $i$ and every output $j$, $s_{ij} = \sum_k X_{ik} W_{kj}$. As Python code that is
# three nested loops; with NumPy it is `X @ W`. Both give the same numbers, but Python handles one number at a time, while NumPy
# runs compiled loops (and a tuned matrix-multiplication library) over whole arrays. Let us time both at MNIST size: 784 pixels
# in, 10 class scores out, for batches of $N$ images.

# %% id="vectorise-timing"
import time


def scores_with_loops(X, W):
    N, D = X.shape
    C = W.shape[1]
    S = np.zeros((N, C))
    for i in range(N):
        for j in range(C):
            total = 0.0
            for k in range(D):
                total += X[i, k] * W[k, j]
            S[i, j] = total
    return S


timing_rng = np.random.default_rng(0)
W_demo = timing_rng.normal(size=(784, 10))
batch_sizes = course.runtime.scaled([10, 30, 100], when_grading=[5, 10])
loop_times, numpy_times = [], []
for n in batch_sizes:
    X_demo = timing_rng.random((n, 784))
    start = time.perf_counter()
    S_loops = scores_with_loops(X_demo, W_demo)
    loop_times.append(time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(100):                      # too fast to time once: repeat and average
        S_numpy = X_demo @ W_demo
    numpy_times.append((time.perf_counter() - start) / 100)
    assert np.allclose(S_loops, S_numpy)      # same numbers
    print(f"N = {n:3d}:  loops {1e3 * loop_times[-1]:7.1f} ms   X @ W {1e3 * numpy_times[-1]:6.3f} ms   "
          f"({loop_times[-1] / numpy_times[-1]:,.0f} times faster)")

per_image = loop_times[-1] / batch_sizes[-1]
print(f"\nFor the 60,000 MNIST training images the loops would take about {60_000 * per_image / 60:.0f} minutes, "
      f"X @ W about {60_000 * numpy_times[-1] / batch_sizes[-1]:.2f} seconds.")
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(batch_sizes, loop_times, "o-", label="three Python loops")
ax.plot(batch_sizes, numpy_times, "o-", label="X @ W")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("batch size N")
ax.set_ylabel("seconds")
ax.set_title("same numbers, very different speed")
ax.legend()
fig.tight_layout()

# %% [markdown] id="vectorise-rule"
# The rule for this course: no Python loops over examples, pixels or classes in code that runs often. Loops over *epochs* or
# *mini-batches* are fine; there are few of them. A loop is often the clearest first version, though: write it, then check the
# vectorised version against it, as the `assert np.allclose(...)` above does.

# %% [markdown] id="mnist"
# ## 7. An image is a matrix of numbers
#
# MNIST is the collection of handwritten digits this course keeps coming back to: 70,000 grey-scale pictures of 28×28 pixels,
# each labelled with the digit it shows. The course's loader downloads it once (60,000 training and 10,000 test images) or,
# without internet, uses a 4,000 / 1,000 subset that ships in the course folder; it prints which one you got. Each image is one
# **row** of 784 = 28·28 numbers (batch-first again), each pixel between 0 (black background) and 1 (white ink). The original
# files store whole numbers 0 to 255; the loader has divided them by 255.

# %% id="load-mnist"
from course.data import load_mnist

data = load_mnist()
X_train, y_train = data.X_train, data.y_train
X_test, y_test = data.X_test, data.y_test
print("X_train", X_train.shape, X_train.dtype, "   y_train", y_train.shape, y_train.dtype)
print("X_test ", X_test.shape, "   y_test", y_test.shape)
course.plots.show_images(X_train[:20], titles=y_train[:20]);

# %% [markdown] id="mnist-grid-note"
# The titles are the labels people gave. Most digits are easy to read; a few are not (on the offline subset the tenth image is a
# 7 written with a curl that many would read as a 2). A classifier trained on these labels can only be as right as they are, and
# no classifier reaches 100 % on MNIST partly because of digits like this one.

# %% [markdown] id="one-image"
# Take one row and fold it back into a square with `reshape(28, 28)`: row `r` of the picture is entries `28·r` to `28·r + 27`
# of the vector. `plt.imshow` turns each number into a shade of grey, 0 black and 1 white.

# %% id="one-image-plot"
x = X_train[0]                 # one example, shape (784,)
image = x.reshape(28, 28)      # the same 784 numbers as 28 rows of 28
print("x.shape", x.shape, "->  image.shape", image.shape, "   label", y_train[0])
print("darkest and brightest pixel:", image.min(), image.max())
fig, ax = plt.subplots(figsize=(3.6, 3))
shown = ax.imshow(image, cmap="gray")
fig.colorbar(shown, ax=ax)
ax.set_title(f"X_train[0], a {y_train[0]}")
fig.tight_layout()

# %% [markdown] id="print-image"
# Now the numbers themselves. All 784 with decimals would not fit on the screen, so the next cell writes each pixel as a single
# digit, 0 to 9 (the value times 9, rounded), and a dot for 0. You can read the digit in the numbers.

# %% id="print-image-digits"
as_digits = np.rint(image * 9).astype(int)
for row in as_digits:
    print(" ".join("." if v == 0 else str(v) for v in row))

# %% [markdown] id="image-window"
# And the exact values of a 10×10 window, rows 12 to 21 and columns 8 to 17, then the same window drawn next to the picture:

# %% id="image-window-plot"
print("image[12:22, 8:18] =\n", image[12:22, 8:18].round(2))
show_image_as_matrix(image, rows=12, cols=8);

# %% [markdown] id="class-means"
# ### All images at once: masks and axes on MNIST
#
# Because the images are rows of one matrix, the tools of sections 3 and 4 work on all of them at once. The mask `y_train == 3`
# selects the rows that show a 3, and `.mean(axis=0)` averages them pixel by pixel (over the examples): one "average 3" of 784
# pixels. For every digit:

# %% id="class-means-plot"
class_means = np.stack([X_train[y_train == k].mean(axis=0) for k in range(10)])   # (10, 784)
print("class_means.shape", class_means.shape)
course.plots.show_images(class_means, titles=[f"average {k}" for k in range(10)]);

# %% [markdown] id="pixel-stats"
# The same `axis=0` gives the mean and the standard deviation of every pixel over the training set. Pixels near the border are
# black in *every* image, so their standard deviation is exactly 0. Remember that for the next section.

# %% id="pixel-stats-plot"
pixel_mean = X_train.mean(axis=0)     # (784,)
pixel_std = X_train.std(axis=0)       # (784,)
print("pixels whose standard deviation is exactly 0:", np.sum(pixel_std == 0), "of", pixel_std.size)
fig, axes = plt.subplots(1, 3, figsize=(10, 3))
for ax, values, name in zip(axes, [pixel_mean, pixel_std], ["mean of each pixel", "standard deviation of each pixel"]):
    shown = ax.imshow(values.reshape(28, 28), cmap="viridis")
    ax.set_title(name, fontsize=10)
    ax.axis("off")
    fig.colorbar(shown, ax=ax, fraction=0.046)
axes[2].imshow((pixel_std == 0).reshape(28, 28), cmap="gray")
axes[2].set_title("white: standard deviation exactly 0", fontsize=10)
axes[2].axis("off")
fig.tight_layout()


# %% [markdown] id="scaling"
# ## 8. Feature scaling
#
# Features measured in different units can differ by a factor of a million. The lecture notes' example: a person described by
# yearly income $x_1$ (0 to 5,000,000 dollars) and hours of work per day $x_2$ (0 to 24). A neuron computes
# $z = w_0 + w_1 x_1 + w_2 x_2$. For someone earning 1,000,000 who works 8 hours, the starting weights $(0,\ 0.5,\ -0.5)$ give
# $z = 0.5 \cdot 1{,}000{,}000 - 0.5 \cdot 8 = 499{,}996$, and the equally reasonable $(0,\ -0.5,\ 0.5)$ give $z = -499{,}996$.
# The hours hardly count, the income drowns everything, and where gradient descent ends up depends wildly on where it starts.
# The gradients differ as much: $\partial z / \partial w_1 = x_1$ and $\partial z / \partial w_2 = x_2$, so for this person the
# gradient for $w_1$ is $1{,}000{,}000 / 8 = 125{,}000$ times the one for $w_2$, and no single learning rate suits both weights.
#
# The cure is to put every feature on the same scale. **Standardising** feature $j$ subtracts its mean $\mu_j$ and divides by
# its standard deviation $\sigma_j$, both computed over the $N$ training examples, i.e. down the column (`axis=0`):
#
# $$\mu_j = \frac1N \sum_{i=1}^N X_{ij}, \qquad
# \sigma_j = \sqrt{\frac1N \sum_{i=1}^N \left(X_{ij} - \mu_j\right)^2}, \qquad
# X^{\text{std}}_{ij} = \frac{X_{ij} - \mu_j}{\sigma_j + \varepsilon}.$$
#
# Afterwards every feature has mean 0 and standard deviation 1 on the training set, whatever its unit. The tiny $\varepsilon$
# (`eps`, $10^{-8}$) is there for features that never change, like MNIST's border pixels: their $\sigma_j = 0$, and $0/0$ is
# `nan`; with $\varepsilon$ they simply become 0.

# %% [markdown] id="training-statistics"
# ### New data is scaled with the training statistics
#
# The means and standard deviations belong to the model, like its weights: they are computed **once, on the training set**, and
# then applied unchanged to every new example, whether validation data, test data, or one photo a user uploads. Three reasons:
#
# 1. A single new example has no statistics of its own: its standard deviation is 0, and scaled by itself every example becomes all zeros.
# 2. A test set that differs from the training set (richer people, brighter photos) would be shifted back to look like the
#    training set, hiding exactly the difference the model should see.
# 3. The test set stands in for data we have not seen yet. Using it to prepare the model, even only its mean, leaks information
#    about it into the model and makes the test score look better than it will be on truly new data.
#
# So `standardize` returns the `mean` and `std` it used, and accepts them as arguments:
#
# ```python
# X_train_std, mean, std = standardize(X_train)          # statistics of the training set
# X_test_std, _, _ = standardize(X_test, mean, std)      # the same statistics for the test set
# ```

# %% [markdown] id="standardize-task"
# ### Your turn: `standardize`
#
# Write `standardize(X, mean=None, std=None, eps=1e-8)`:
#
# * `X` has shape `(N, D)`. If `mean` is `None`, compute the mean of every feature (column), shape `(D,)`. Likewise, if `std`
#   is `None`, compute the standard deviation of every feature, shape `(D,)`, dividing by $N$ as in the formula (what `np.std` does by default).
# * If `mean` and `std` are given (shape `(D,)`, from a training set), use them as they are; compute nothing from `X`.
# * Return `(X_std, mean, std)`: `X_std = (X - mean) / (std + eps)` of shape `(N, D)`, and the `mean` and `std` you used (without `eps`).
# * Do not modify `X` (write `X - mean`, not `X -= mean`).

# %% solution id="standardize"
def standardize(X, mean=None, std=None, eps=1e-8):
    """Scale every feature (column) of X to mean 0 and standard deviation 1.

    X: (N, D) data, one example per row.
    mean, std: (D,) per-feature statistics to use (from the training set), or None to compute them from X.
    eps: small number added to std so that constant features do not divide by zero.
    Returns (X_std, mean, std): X_std (N, D) = (X - mean) / (std + eps); mean (D,) and std (D,) as used.
    """
    ### BEGIN SOLUTION
    if mean is None:
        mean = X.mean(axis=0)
    if std is None:
        std = X.std(axis=0)
    X_std = (X - mean) / (std + eps)
    return X_std, mean, std
    ### END SOLUTION


# %% tests id="test_standardize" points=3
# Checks for standardize
from course.checks import call  # runs your function; a crash, a wrong number of results or a changed input fails the check

_axis_hint = "Compute one mean and one std per feature, down the columns (axis=0): both have shape (D,)."
X_small = np.array([[1.0, 10.0],
                    [2.0, 20.0],
                    [3.0, 30.0],
                    [4.0, 40.0]])
X_small_std, mean, std = call("standardize(X_small)", standardize, X_small, n_out=3, hint=_axis_hint)
check_shape(mean, (2,), "the mean returned by standardize(X_small) (one per feature)")
check_close(mean, [2.5, 25.0], "the mean of each feature (column) of X_small", hint=_axis_hint)
check_close(std, [1.1180, 11.1803], "the standard deviation of each feature of X_small", atol=1e-4,
            hint="One per column (axis=0), dividing by N as np.std does by default.")
check_close(X_small_std, [[-1.3416, -1.3416], [-0.4472, -0.4472], [0.4472, 0.4472], [1.3416, 1.3416]],
            "standardize(X_small)", atol=1e-4)
X_new_std, mean_used, std_used = call("standardize(X_new, mean, std)", standardize, np.array([[5.0, 50.0]]), mean, std, n_out=3)
check_close(X_new_std, [[2.2361, 2.2361]], "a new example [5, 50] scaled with the statistics of X_small", atol=1e-4,
            hint="When mean and std are given, use them; do not compute new ones from the new data.")
check_close(mean_used, [2.5, 25.0], "the mean returned when a mean was given")
check_close(std_used, [1.1180, 11.1803], "the std returned when a std was given", atol=1e-4)
X_const_std, _, _ = call("standardize of a constant feature", standardize, np.array([[1.0, 7.0], [2.0, 7.0], [3.0, 7.0]]), n_out=3)
check_finite(X_const_std, "standardize of data whose second feature is 7 in every example",
             hint="A feature that never changes has standard deviation 0: divide by std + eps.")
print("standardize: visible checks passed")
### BEGIN HIDDEN TESTS
def _scaled_either_way(actual, X, m, s, eps):
    # accepts (X - m) / (s + eps) and the other common form (X - m) / sqrt(s**2 + eps)
    a = np.asarray(actual, dtype=float)
    forms = [(X - m) / (s + eps), (X - m) / np.sqrt(s ** 2 + eps)]
    return any(a.shape == f.shape and np.allclose(a, f, rtol=1e-6, atol=1e-8) for f in forms)

_rng = np.random.default_rng(2000)
for _n, _d in [(5, 3), (40, 7), (3, 8), (100, 1), (6, 6)]:
    _X = _rng.normal(loc=_rng.uniform(-50, 50, size=_d), scale=_rng.uniform(0.5, 20, size=_d), size=(_n, _d))
    _X0 = _X.copy()
    _out = standardize(_X)
    check(isinstance(_out, tuple) and len(_out) == 3, "standardize should return a tuple of three: (X_std, mean, std).")
    _Xs, _m, _s = _out
    check_unchanged(_X0, _X, "The input `X`")
    check_shape(_m, (_d,), f"the mean returned for X of shape {(_n, _d)} (one number per feature)")
    check_shape(_s, (_d,), f"the std returned for X of shape {(_n, _d)} (one number per feature)")
    check_shape(_Xs, (_n, _d), f"X_std for X of shape {(_n, _d)}")
    check_close(_m, _X0.mean(axis=0), f"the per-feature mean of a {(_n, _d)} array", show_expected=False,
                hint="Average each column, over the examples (axis=0).")
    check_close(_s, _X0.std(axis=0), f"the per-feature standard deviation of a {(_n, _d)} array", show_expected=False,
                hint="One per column (axis=0), dividing by N, not N - 1 (np.std's default).")
    check_close(np.mean(_Xs, axis=0), np.zeros(_d), f"the column means of X_std for a {(_n, _d)} array",
                show_expected=False, hint="After subtracting each feature's mean, every column should average 0.")
    check_close(np.std(_Xs, axis=0), np.ones(_d), f"the column standard deviations of X_std for a {(_n, _d)} array",
                show_expected=False, rtol=1e-5, hint="Divide by the standard deviation (plus eps), not by the variance.")
    check(_scaled_either_way(_Xs, _X0, _X0.mean(axis=0), _X0.std(axis=0), 1e-8),
          f"X_std is not right for X of shape {(_n, _d)}: it should be (X - mean) / (std + eps), per feature.")

# test data scaled with the training statistics
_Xtr = _rng.normal(loc=[0.0, 100.0, -5.0, 1e6], scale=[1.0, 10.0, 0.1, 2e5], size=(50, 4))
_Xte = _rng.normal(loc=[2.0, 80.0, -5.5, 2e6], scale=[3.0, 5.0, 0.2, 1e5], size=(20, 4))
_m, _s = _Xtr.mean(axis=0), _Xtr.std(axis=0)
_m0, _s0, _Xte0 = _m.copy(), _s.copy(), _Xte.copy()
_Xs, _mu, _sd = standardize(_Xte, _m, _s)
check_unchanged(_Xte0, _Xte, "The input `X`")
check_unchanged(_m0, _m, "The `mean` argument")
check_unchanged(_s0, _s, "The `std` argument")
check_close(_mu, _m0, "the mean returned when a training mean was given", show_expected=False,
            hint="When mean is given, return it unchanged; do not compute a new one from X.")
check_close(_sd, _s0, "the std returned when a training std was given", show_expected=False,
            hint="When std is given, return it unchanged; do not compute a new one from X.")
check(_scaled_either_way(_Xs, _Xte0, _m0, _s0, 1e-8),
      "Test data scaled with a given training mean and std is not right: when mean and std are given, "
      "use exactly those; do not compute new statistics from the test data.")
_Xs1, _, _ = standardize(_Xte0[:1].copy(), _m0, _s0)
check_shape(_Xs1, (1, 4), "X_std for a single example scaled with given statistics")
check(_scaled_either_way(_Xs1, _Xte0[:1], _m0, _s0, 1e-8),
      "A single example scaled with the given training statistics is not right: use the given mean and std.")

# constant features and the eps argument
_Xc = np.column_stack([_rng.normal(size=6), np.full(6, 3.5), np.zeros(6)])
_Xcs, _, _ = standardize(_Xc)
check_finite(_Xcs, "standardize of data with two constant features",
             hint="A constant feature has standard deviation 0: divide by std + eps.")
check_close(np.asarray(_Xcs)[:, 1:], np.zeros((6, 2)), "the standardized constant features", show_expected=False,
            hint="A feature that never changes is 0 after subtracting its mean.")
_Xe = 0.5 * _rng.normal(size=(8, 3))
_Xes, _, _ = standardize(_Xe, eps=0.25)
check(_scaled_either_way(_Xes, _Xe, _Xe.mean(axis=0), _Xe.std(axis=0), 0.25),
      "standardize(X, eps=0.25) did not use the eps it was given: divide by std + eps, with the eps argument.")
### END HIDDEN TESTS

# %% [markdown] id="scaling-experiment"
# ### Experiment: training statistics or the test set's own?
#
# Two hundred made-up people for training and forty from a richer neighbourhood for testing. Left, the raw numbers: the
# horizontal axis spans millions, the vertical one a few hours. Middle, both sets scaled with the **training** statistics:
# the test people stay to the right, richer than the training people, as they are. Right, the test set scaled with its
# **own** statistics: it lands on top of the training cloud, and the difference is gone.

# %% id="scaling-plot"
people_rng = np.random.default_rng(7)
people_train = np.column_stack([people_rng.normal(1_200_000, 400_000, size=200),    # income
                                people_rng.normal(8.0, 1.5, size=200)])             # hours per day
people_test = np.column_stack([people_rng.normal(2_000_000, 300_000, size=40),      # a richer neighbourhood
                               people_rng.normal(9.0, 1.0, size=40)])

train_std, mean, std = standardize(people_train)
test_right, _, _ = standardize(people_test, mean, std)    # training statistics: right
test_wrong, _, _ = standardize(people_test)               # its own statistics: wrong
print("training mean:", mean.round(2), "   training std:", std.round(2))

fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
panels = [(people_train, people_test, "raw features"),
          (train_std, test_right, "test scaled with TRAINING statistics"),
          (train_std, test_wrong, "test scaled with its OWN statistics")]
for ax, (tr, te, title) in zip(axes, panels):
    ax.scatter(tr[:, 0], tr[:, 1], s=10, alpha=0.5, label="training")
    ax.scatter(te[:, 0], te[:, 1], s=14, color="tab:red", label="test")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("income")
axes[0].set_ylabel("hours per day")
axes[0].legend()
fig.tight_layout()

# %% [markdown] id="scaling-numbers"
# The neuron of the lecture notes, before and after scaling, and one new person scaled on their own:

# %% id="scaling-numbers-demo"
w = np.array([0.5, -0.5])
person = np.array([[1_000_000.0, 8.0]])                     # one example: shape (1, 2)
print("z from the raw features:           ", (person @ w)[0])
print("z from the standardised features:  ", (standardize(person, mean, std)[0] @ w)[0].round(3))
alone, _, _ = standardize(person)
print("the person scaled by their own statistics:", alone[0], "  (every single example would give this)")

X_some = X_train[:1000]
with np.errstate(invalid="ignore", divide="ignore"):
    without_eps = (X_some - X_some.mean(axis=0)) / X_some.std(axis=0)
dead = int((X_some.std(axis=0) == 0).sum())
print(f"\nof the 784 pixels, {dead} are 0 in all {len(X_some)} images (std 0)")
print(f"entries (image, pixel) that become nan without eps: {int(np.isnan(without_eps).sum()):,} "
      f"(= {dead} pixels x {len(X_some)} images);  with eps: {int(np.isnan(standardize(X_some)[0]).sum())}")

# %% [markdown] id="accuracy-intro"
# ## 9. Measuring a classifier: accuracy
#
# A classifier gives every example one score per class: an array `scores` of shape `(N, C)`. Its prediction is the class with
# the largest score, `scores.argmax(axis=1)` (along the classes: one prediction per example). **Accuracy** is the fraction of
# examples whose prediction equals the label, a number between 0 and 1.
#
# The lecture notes show the output of a small Keras network for the first test images of MNIST: one row per image, one column
# per digit, every row a probability distribution. Here are the first ten rows; the true digits of those images are
# 7 2 1 0 4 1 4 9 5 9. In the picture each row's largest entry is dark, and the true class has a red frame.

# %% id="keras-table"
from course.examples import KERAS_LABELS, KERAS_PROBS   # the table of the lecture notes

keras_probs = KERAS_PROBS.copy()      # (10, 10): one row per test image, one column per digit
keras_labels = KERAS_LABELS.copy()    # the digits those ten test images really show

print(keras_probs.round(3))
print("predicted:", keras_probs.argmax(axis=1))
print("true:     ", keras_labels)
fig, ax = plt.subplots(figsize=(5.5, 4))
ax.imshow(keras_probs, cmap="Blues", vmin=0, vmax=1)
for i, label in enumerate(keras_labels):
    ax.add_patch(plt.Rectangle((label - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="red", lw=2))
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_xlabel("digit (column)")
ax.set_ylabel("test image (row)")
ax.set_title("probabilities of a Keras network")
fig.tight_layout()


# %% [markdown] id="accuracy-task"
# Row 8 is a 5 that the network took for a 6 (probability 0.67 for a 6, 0.03 for a 5). The other nine are right: accuracy 0.9.
#
# ### Your turn: `accuracy`
#
# Write `accuracy(scores_or_labels, y)`, returning a `float` between 0 and 1:
#
# * if `scores_or_labels` is 2-D, shape `(N, C)`, it holds scores (or probabilities): the prediction for row `i` is the column
#   of its largest entry;
# * if it is 1-D, shape `(N,)`, it already holds predicted labels: compare them with `y` directly (`argmax` of a 1-D array
#   would give one single position, not $N$ predictions);
# * `y` `(N,)` holds the true labels. Return the **fraction** of correct predictions, not their count.
#
# `np.ndim(a)` (or `a.ndim`) says how many dimensions an array has; `float(...)` turns a NumPy number into a Python float.

# %% solution id="accuracy"
def accuracy(scores_or_labels, y):
    """Fraction of correctly classified examples.

    scores_or_labels: (N, C) class scores (the prediction is the argmax of each row), or (N,) predicted labels.
    y: (N,) true labels.
    Returns a float in [0, 1].
    """
    ### BEGIN SOLUTION
    scores_or_labels = np.asarray(scores_or_labels)
    if scores_or_labels.ndim == 2:
        predictions = np.argmax(scores_or_labels, axis=1)
    else:
        predictions = scores_or_labels
    return float(np.mean(predictions == y))
    ### END SOLUTION


# %% tests id="test_accuracy" points=2
# Checks for accuracy
from course.checks import call  # runs your function; a crash, a wrong number of results or a changed input fails the check
from course.examples import KERAS_LABELS, KERAS_PROBS

acc = call("accuracy(KERAS_PROBS, KERAS_LABELS)", accuracy, KERAS_PROBS, KERAS_LABELS)
check(np.ndim(acc) == 0, f"accuracy should return a single number; yours has shape {np.shape(acc)}.")
check_close(acc, 0.9, "the accuracy of the ten Keras predictions (9 of 10 right)",
            hint="Take the argmax of each row (axis=1), compare with y, and return the fraction, not the count.")
_labels_hint = "A 1-D input already holds predicted labels: compare it with y directly, without argmax."
check_close(call("accuracy(predicted labels, y)", accuracy, np.array([7, 2, 1, 0, 4, 1, 4, 9, 6, 9]), KERAS_LABELS,
                 hint=_labels_hint), 0.9,
            "the accuracy of the predicted labels 7 2 1 0 4 1 4 9 6 9 (a 1-D array)",
            hint=_labels_hint)
check_close(call("accuracy of four two-class predictions", accuracy,
                 np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]]), np.array([1, 1, 1, 1])), 0.5,
            "the accuracy of four two-class predictions, two of them right")
print("accuracy: visible checks passed")
### BEGIN HIDDEN TESTS
def _acc_is_number(a):
    check(np.ndim(a) == 0, f"accuracy should return a single number, not an array of shape {np.shape(a)}.")
    check(np.issubdtype(np.asarray(a).dtype, np.floating),
          "accuracy should return a float fraction such as 0.75, not an integer: divide the count by N as floats (np.mean does).")
    check(0.0 <= float(a) <= 1.0, "accuracy should be a fraction between 0 and 1, not a count or a percentage.")

_rng = np.random.default_rng(3000)
# square scores first (an axis mistake gives wrong numbers here rather than a shape error), 3 of 6 right
_s = _rng.normal(size=(6, 6))
_s[np.arange(6), [1, 4, 4, 0, 2, 5]] += 10.0
_acc = accuracy(_s, np.array([1, 4, 3, 0, 5, 3]))
_acc_is_number(_acc)
check_close(_acc, 0.5, "the accuracy of 6 scored examples with 6 classes, 3 of them right", show_expected=False,
            hint="The prediction of row i is the argmax over its C scores (axis=1).")
# scores with known predictions: 5 of 8 right
_pred = np.array([0, 2, 1, 1, 0, 2, 2, 1])
_y = np.array([0, 2, 1, 0, 0, 1, 2, 2])
_s = _rng.normal(size=(8, 3))
_s[np.arange(8), _pred] += 10.0
_s0, _y0 = _s.copy(), _y.copy()
_acc = accuracy(_s, _y)
check_unchanged(_s0, _s, "The `scores_or_labels` array")
check_unchanged(_y0, _y, "The label array `y`")
_acc_is_number(_acc)
check_close(_acc, 0.625, "the accuracy of 8 scored examples, 5 of them right", show_expected=False,
            hint="The prediction of row i is the argmax over its C scores (axis=1).")
for _n, _c in [(1, 3), (37, 4), (5, 12), (200, 10)]:
    _s = _rng.normal(size=(_n, _c))
    _y = _rng.integers(0, _c, size=_n)
    _y[: _n // 3] = _s[: _n // 3].argmax(axis=1)     # some right, some wrong
    _acc = accuracy(_s, _y)
    _acc_is_number(_acc)
    check_close(_acc, np.mean(_s.argmax(axis=1) == _y), f"the accuracy of random ({_n}, {_c}) scores",
                show_expected=False, hint="The prediction of row i is the argmax over its C scores (axis=1).")
# 1-D predicted labels
for _n in [2, 9, 50]:
    _p = _rng.integers(0, 5, size=_n)
    _y = _rng.integers(0, 5, size=_n)
    _y[: _n // 2] = _p[: _n // 2]
    _y[_n // 2:] = (_p[_n // 2:] + 1) % 5
    _p0 = _p.copy()
    _acc = accuracy(_p, _y)
    check_unchanged(_p0, _p, "The `scores_or_labels` array")
    _acc_is_number(_acc)
    check_close(_acc, np.mean(_p == _y), f"the accuracy of {_n} predicted labels (a 1-D array)", show_expected=False,
                hint="A 1-D input holds predicted labels already: compare it with y, without argmax.")
_acc_is_number(accuracy(np.array([3, 3, 3, 3]), np.array([3, 3, 3, 3])))
check_close(accuracy(np.array([3, 3, 3, 3]), np.array([3, 3, 3, 3])), 1.0, "the accuracy of four right labels",
            show_expected=False)
check_close(accuracy(np.tile([[0.2, 0.8]], (5, 1)), np.zeros(5, dtype=int)), 0.0,
            "the accuracy of five wrong predictions", show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="nearest-mean"
# ### Experiment: a digit classifier without any training
#
# The tools of this lecture already make a classifier. Recall the ten average digits of section 7: for a new image, predict the
# digit whose average it is closest to, measuring distance as the sum of squared pixel differences. The score of class $k$ for
# image $x$ is minus that distance,
#
# $$s_k(x) = -\lVert x - \mu_k \rVert^2 = -\lVert x\rVert^2 + 2\,x\cdot\mu_k - \lVert \mu_k\rVert^2 .$$
#
# The first term is the same for every class, so it cannot change which class wins; we drop it. For all test images at once this
# is one matrix product and one broadcast: `2 * X_test @ class_means.T` is `(N, 784) @ (784, 10) = (N, 10)`, and
# `np.sum(class_means ** 2, axis=1)` is `(10,)`, subtracted from every row.

# %% id="nearest-mean-run"
scores = 2 * X_test @ class_means.T - np.sum(class_means ** 2, axis=1)     # (N, 10)
print("scores.shape", scores.shape)
guesses = np.random.default_rng(0).integers(0, 10, size=len(y_test))
print(f"random guessing:      accuracy {accuracy(guesses, y_test):.1%}")
test_acc = accuracy(scores, y_test)
course.runtime.expect_accuracy(test_acc, at_least=0.75, description=data.description)

per_digit = [accuracy(scores[y_test == k], y_test[y_test == k]) for k in range(10)]
fig, ax = plt.subplots(figsize=(5.5, 2.8))
ax.bar(range(10), per_digit)
ax.axhline(test_acc, color="black", lw=1, ls="--", label=f"all digits: {test_acc:.1%}")
ax.set_xticks(range(10))
ax.set_xlabel("true digit")
ax.set_ylabel("accuracy")
ax.set_ylim(0, 1.2)
ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
ax.set_title("nearest average digit, per class")
ax.legend(loc="upper right", fontsize=9)
fig.tight_layout()

# %% [markdown] id="nearest-mean-mistakes"
# About 80 %: far better than the 10 % of guessing, far below the 97–99 % of the networks later in the course. Some of the
# digits it gets wrong (true → predicted) show why: a digit written thinner, smaller, wider or more slanted than the average
# of its class can land closer to the average of another.
# One blurry template per class is too little; lecture 02 learns the templates instead of averaging them, and lecture 03 lets a
# network combine many.

# %% id="nearest-mean-wrong"
predicted = scores.argmax(axis=1)
wrong = np.flatnonzero(predicted != y_test)[:10]
course.plots.show_images(X_test[wrong], titles=[f"{t} → {p}" for t, p in zip(y_test[wrong], predicted[wrong])]);

# %% [markdown] id="hand-in"
# ## 10. Handing in
#
# 1. Save (Ctrl+S or ⌘+S).
# 2. Restart and run everything: in Jupyter *Kernel → Restart Kernel and Run All Cells…*, in Colab *Runtime → Restart session and
#    run all* (if Colab asks for Drive access again, allow it). Wait for the last cell and scroll through: no error
#    boxes, and every check cell printed `… visible checks passed`.
# 3. Save again.
# 4. Get the file: in Jupyter it is `release/00_getting_started/00_getting_started.ipynb` in your course folder; in Colab use
#    *File → Download → Download .ipynb*.
# 5. Upload that `.ipynb` file on the LMS. The file name does not matter, but it must be the notebook itself, not a PDF or a
#    screenshot: the grader runs it.

# %% [markdown] id="think"
# ## Things to think about
#
# 1. What does `one_hot(y, 10).sum(axis=0)` count? And what is `one_hot(y, 10).mean(axis=0)`?
# 2. A test person earns 20,000,000 a year. What is their standardised income with the training statistics above? Is that a
#    problem for the scaling, or just an unusual person?
# 3. A disease affects 1 person in 100. What accuracy does a "classifier" reach that always says *healthy*? What does that tell
#    you about accuracy as the only measure?
# 4. Standardise the MNIST pixels (with training statistics, of course) and run the nearest-average classifier again. Better or
#    worse? Look at what standardising does to a pixel near the border that is almost always 0, but not quite.
