/*
 * In-cache kernel timings of erf, erfc, gamma and lgamma (16,384 elements, best of 30 x 20 calls, ns per
 * element) for one SIMD level, on the input ranges of benchmarks/bench_special.py (erf [-4, 4], erfc
 * [-4, 10], gamma [-30, 170], lgamma [-30, 1000]): a quieter view than bench_special.py on a shared
 * machine (no memory traffic, no Python). Build and run from the repository root:
 *
 *   cc -std=c11 -O3 -Icsrc/include $(find csrc -name '*.c' -not -path 'csrc/tests*') benchmarks/special_kernel_bench.c -lm -pthread -o /tmp/special_kernel_bench
 *   /tmp/special_kernel_bench [level: 0 scalar, 1 avx2, 2 avx512] [comma-separated names]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rt/rt.h"
/* name is one of the comma-separated entries of list (exactly: "gamma" does not select lgamma). */
static int name_listed(const char*list,const char*name){
  size_t n=strlen(name);
  for(const char*p=list;;p++){
    if(strncmp(p,name,n)==0 && (p[n]==',' || p[n]==0)) return 1;
    p=strchr(p,','); if(!p) return 0;
  }
}
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define N 16384
int main(int argc,char**argv){
  static double x[4][N],o[N]; static float xf[4][N],of[N];
  double lo[4]={-4,-4,-30,-30}, hi[4]={4,10,170,1000};
  srand(1);
  for(int i=0;i<N;i++){double u=rand()/(double)RAND_MAX; for(int f=0;f<4;f++){x[f][i]=lo[f]+(hi[f]-lo[f])*u; xf[f][i]=(float)x[f][i];}}
  const char*names[]={"erf","erfc","gamma","lgamma"};
  int level = argc>1? atoi(argv[1]) : -1; int reps = argc>3? atoi(argv[3]):30;
  if(level>=0) rt_force_impl(level, NULL);
  for(int f=0;f<4;f++){
   if(argc>2 && !name_listed(argv[2],names[f])) continue;
   for(int dt=0;dt<2;dt++){
    int32_t code= dt? RT_DTYPE_FLOAT32:RT_DTYPE_FLOAT64; void*in= dt?(void*)xf[f]:(void*)x[f]; void*out=dt?(void*)of:(void*)o;
    double best=1e9;
    for(int r=0;r<reps;r++){
      double t=now();
      for(int k=0;k<20;k++){
        switch(f){
          case 0: rt_math_erf(code,in,0,N,out,NULL);break;
          case 1: rt_math_erfc(code,in,0,N,out,NULL);break;
          case 2: rt_math_gamma(code,in,0,N,out,NULL);break;
          case 3: rt_math_lgamma(code,in,0,N,out,NULL);break;
        }
      }
      double e=(now()-t)/(20.0*N)*1e9; if(e<best)best=e;
    }
    printf("%-6s %s %.3f ns/elem\n",names[f],dt?"f32":"f64",best);
   }
  }
}
