// SHTns synthesis/analysis CPU time per call on MeanField's benchmark grids (Gauss, nlat = L+1 rounded up to even,
// nlon = 2L+2, no polar optimisation, one thread): thread CPU clock, median of 7 batches of >= 0.25 s. For sessions under
// load, where wall-clock medians are meaningless (docs/performance.md, issue 18). Build against the library that
// ../shared/anchors/shtns-time.sh builds:
//   gcc -O2 -I/tmp/shtns-build/shtns tools/bench/shtns_cpu.c -o /tmp/shtns_cpu /tmp/shtns-build/shtns/libshtns.a -lfftw3 -lm
//   /tmp/shtns_cpu 127 255 511 1023
#include <stdio.h>
#include <stdlib.h>
#include <complex.h>
#include <time.h>
#include "shtns.h"
static double cpu(void){struct timespec t;clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t);return t.tv_sec+1e-9*t.tv_nsec;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
  for(int a=1;a<argc;a++){int L=atoi(argv[a]);int nlat=L+1+(L+1)%2,nphi=2*L+2;
    shtns_cfg s=shtns_create(L,L,1,sht_orthonormal);
    shtns_set_grid_auto(s,sht_gauss|SHT_NATIVE_LAYOUT|SHT_ALLOW_PADDING|SHT_SCALAR_ONLY,0.0,2,&nlat,&nphi);
    complex double*q=shtns_malloc(sizeof(complex double)*s->nlm);double*g=shtns_malloc(sizeof(double)*s->nspat);
    for(int i=0;i<s->nlm;i++)q[i]=(i<=L)?(rand()/(double)RAND_MAX-0.5):(rand()/(double)RAND_MAX-0.5)+I*(rand()/(double)RAND_MAX-0.5);
    double rs[7],ra[7];
    for(int w=0;w<3;w++){SH_to_spat(s,q,g);spat_to_SH(s,g,q);}
    for(int r=0;r<7;r++){int n=0;double t0=cpu();do{SH_to_spat(s,q,g);n++;}while(cpu()-t0<0.25);rs[r]=(cpu()-t0)/n*1e3;
      n=0;t0=cpu();do{spat_to_SH(s,g,q);n++;}while(cpu()-t0<0.25);ra[r]=(cpu()-t0)/n*1e3;}
    qsort(rs,7,8,cmp);qsort(ra,7,8,cmp);
    printf("shtns_cpu lmax=%d nlat=%d nlon=%d synthesis_ms=%.4f analysis_ms=%.4f\n",L,nlat,nphi,rs[3],ra[3]);fflush(stdout);}
}
