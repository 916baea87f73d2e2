/* Introselect and its helpers; see select.h. */
#include "select.h"

static void swap(double *a, double *b) {
    double t = *a;
    *a = *b;
    *b = t;
}

static void sift_down(double *x, int64_t root, int64_t n) {
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
        swap(&x[root], &x[child]);
        root = child;
    }
}

static void heap_sort(double *x, int64_t n) {
    for (int64_t i = n / 2 - 1; i >= 0; i--) {
        sift_down(x, i, n);
    }
    for (int64_t end = n - 1; end > 0; end--) {
        swap(&x[0], &x[end]);
        sift_down(x, 0, end);
    }
}

void rt_select_kth(double *x, int64_t lo, int64_t hi, int64_t k) {
    int depth_budget = 64;
    while (hi - lo > 16) {
        if (depth_budget-- == 0) {
            heap_sort(x + lo, hi - lo + 1);
            return;
        }
        int64_t mid = lo + (hi - lo) / 2;
        if (x[mid] < x[lo]) swap(&x[mid], &x[lo]);
        if (x[hi] < x[lo]) swap(&x[hi], &x[lo]);
        if (x[hi] < x[mid]) swap(&x[hi], &x[mid]);
        double pivot = x[mid];
        int64_t i = lo, j = hi;
        while (i <= j) { /* Hoare partition: equal keys split evenly, so duplicates stay O(n) */
            while (x[i] < pivot) i++;
            while (x[j] > pivot) j--;
            if (i <= j) {
                swap(&x[i], &x[j]);
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
        double v = x[a];
        int64_t b = a - 1;
        while (b >= lo && x[b] > v) {
            x[b + 1] = x[b];
            b--;
        }
        x[b + 1] = v;
    }
}

double rt_select_min_after(const double *x, int64_t n, int64_t k) {
    double best = x[k + 1];
    for (int64_t i = k + 2; i < n; i++) {
        best = x[i] < best ? x[i] : best;
    }
    return best;
}
