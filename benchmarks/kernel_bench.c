/*
 * In-cache kernel timings of the elementary functions and pow (16,384 elements, best of 30 x 20
 * calls, ns per element) for one SIMD level: a quieter view than benchmarks/bench_elementary.py on a
 * shared machine (no memory traffic, no Python). Build and run from the repository root:
 *
 *   cc -std=c11 -O3 -Icsrc/include $(find csrc -name '*.c' -not -path 'csrc/tests*') benchmarks/kernel_bench.c -lm -pthread -o /tmp/kernel_bench
 *   /tmp/kernel_bench [level: 0 scalar, 1 avx2, 2 avx512] [comma-separated names]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rt/rt.h"
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define N 16384
int main(int argc,char**argv){
  static double x[N],y[N],o[N],u[N]; static float xf[N],yf[N],of[N],uf[N];
  srand(1);
  for(int i=0;i<N;i++){x[i]=rand()/(double)RAND_MAX*10; y[i]=x[i]*2-10; xf[i]=x[i]; yf[i]=y[i]; u[i]=y[i]/10; uf[i]=u[i];}
  const char*names[]={"exp","expm1","log","log1p","sinh","cosh","tanh","asin","acos","atan","atan2","pow","pow_s","copy"};
  int level = argc>1? atoi(argv[1]) : -1;
  if(level>=0) rt_force_impl(level, NULL);
  for(int f=0;f<14;f++){
   if(argc>2 && !strstr(argv[2],names[f])) continue;
   for(int dt=0;dt<2;dt++){
    int32_t code= dt? RT_DTYPE_FLOAT32:RT_DTYPE_FLOAT64; void*in= dt?(void*)xf:(void*)x; void*in2= dt?(void*)yf:(void*)y; void*inu=dt?(void*)uf:(void*)u; void*out=dt?(void*)of:(void*)o;
    double best=1e9;
    for(int r=0;r<30;r++){
      double t=now();
      for(int k=0;k<20;k++){
        switch(f){
          case 0: rt_math_exp(code,in,0,N,out,NULL);break;
          case 1: rt_math_expm1(code,in,0,N,out,NULL);break;
          case 2: rt_math_log(code,in,0,N,out,NULL);break;
          case 3: rt_math_log1p(code,in,0,N,out,NULL);break;
          case 4: rt_math_sinh(code,in,0,N,out,NULL);break;
          case 5: rt_math_cosh(code,in,0,N,out,NULL);break;
          case 6: rt_math_tanh(code,in,0,N,out,NULL);break;
          case 7: rt_math_asin(code,inu,0,N,out,NULL);break;
          case 8: rt_math_acos(code,inu,0,N,out,NULL);break;
          case 9: rt_math_atan(code,in,0,N,out,NULL);break;
          case 10: rt_math_atan2(code,in,0,in2,0,N,out,NULL);break;
          case 11: rt_math_pow(code,in,0,in2,0,N,out,NULL);break;
          case 12: rt_math_pow_scalar(code,in,0,N,2.5,out,NULL);break;
          case 13: memcpy(out,in,N*(dt?4:8)); break;
        }
      }
      double e=(now()-t)/(20.0*N)*1e9; if(e<best)best=e;
    }
    printf("%-6s %s %.3f ns/elem\n",names[f],dt?"f32":"f64",best);
   }
  }
}
