/* Introselect and its helpers; see select.h. */
#include "select.h"

#define SELECT_T double
#define SELECT_NAME(name) name##_double
#define SELECT_KTH rt_select_kth
#include "select_body.h"

#define SELECT_T uint64_t
#define SELECT_NAME(name) name##_key
#define SELECT_KTH rt_select_kth_key
#include "select_body.h"

double rt_select_min_after(const double *x, int64_t n, int64_t k) {
    double best = x[k + 1];
    for (int64_t i = k + 2; i < n; i++) {
        best = x[i] < best ? x[i] : best;
    }
    return best;
}
