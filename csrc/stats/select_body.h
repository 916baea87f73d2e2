/*
 * Introselect for one element type (see select.h), included by select.c once
 * per type: SELECT_T is the type, SELECT_NAME(x) names its helpers and
 * SELECT_KTH the public function. Elements compare with < and >, so the
 * doubles must not hold NaN.
 */
static void SELECT_NAME(swap)(SELECT_T *a, SELECT_T *b) {
    SELECT_T t = *a;
    *a = *b;
    *b = t;
}

static void SELECT_NAME(sift_down)(SELECT_T *x, int64_t root, int64_t n) {
    for (;;) {
        int64_t child = 2 * root + 1;
        if (child >= n) {
            return;
        }
        if (child + 1 < n && x[child + 1] > x[child]) {
            child++;
        }
        if (x[root] >= x[child]) {
            return;
        }
        SELECT_NAME(swap)(&x[root], &x[child]);
        root = child;
    }
}

static void SELECT_NAME(heap_sort)(SELECT_T *x, int64_t n) {
    for (int64_t i = n / 2 - 1; i >= 0; i--) {
        SELECT_NAME(sift_down)(x, i, n);
    }
    for (int64_t end = n - 1; end > 0; end--) {
        SELECT_NAME(swap)(&x[0], &x[end]);
        SELECT_NAME(sift_down)(x, 0, end);
    }
}

void SELECT_KTH(SELECT_T *x, int64_t lo, int64_t hi, int64_t k) {
    int depth_budget = 64;
    while (hi - lo > 16) {
        if (depth_budget-- == 0) {
            SELECT_NAME(heap_sort)(x + lo, hi - lo + 1);
            return;
        }
        int64_t mid = lo + (hi - lo) / 2;
        if (x[mid] < x[lo]) SELECT_NAME(swap)(&x[mid], &x[lo]);
        if (x[hi] < x[lo]) SELECT_NAME(swap)(&x[hi], &x[lo]);
        if (x[hi] < x[mid]) SELECT_NAME(swap)(&x[hi], &x[mid]);
        SELECT_T pivot = x[mid];
        int64_t i = lo, j = hi;
        while (i <= j) { /* Hoare partition: equal keys split evenly, so duplicates stay O(n) */
            while (x[i] < pivot) i++;
            while (x[j] > pivot) j--;
            if (i <= j) {
                SELECT_NAME(swap)(&x[i], &x[j]);
                i++;
                j--;
            }
        }
        if (k <= j) {
            hi = j;
        } else if (k >= i) {
            lo = i;
        } else {
            return; /* j < k < i: x[k] equals the pivot and is in place */
        }
    }
    /* Small range: insertion sort. */
    for (int64_t a = lo + 1; a <= hi; a++) {
        SELECT_T v = x[a];
        int64_t b = a - 1;
        while (b >= lo && x[b] > v) {
            x[b + 1] = x[b];
            b--;
        }
        x[b + 1] = v;
    }
}

#undef SELECT_T
#undef SELECT_NAME
#undef SELECT_KTH
