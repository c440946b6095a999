/*
 * Prints GlusterFS's own gf_dm_hashfn (from the installed libglusterfs.so.0) of each
 * name given in hex, one hex u32 per line. Link: gcc dm-hash.c libglusterfs.so.0
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

uint32_t gf_dm_hashfn(const char *msg, int len);

static int nibble(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

int main(int argc, char **argv)
{
    for (int a = 1; a < argc; a++) {
        char buf[1024];
        size_t n = strlen(argv[a]) / 2;
        if (n > sizeof(buf))
            return 4;
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)(nibble(argv[a][2 * i]) * 16 + nibble(argv[a][2 * i + 1]));
        printf("%08x\n", gf_dm_hashfn(buf, (int)n));
    }
    return 0;
}
