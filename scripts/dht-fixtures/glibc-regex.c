/*
 * Runs GlusterFS's default rsync-hash-regex through glibc's regcomp/regexec the way
 * dht_init_regex/dht_munge_name do, in the locale given as argv[1], for each name
 * given in hex. Prints one line per name: the hex of group 1, or "-" for no match.
 */
#include <locale.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

static int nibble(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

int main(int argc, char **argv)
{
    regex_t re;
    if (argc < 2 || !setlocale(LC_ALL, argv[1]))
        return 2;
    if (regcomp(&re, "^\\.(.+)\\.[^.]+$", REG_EXTENDED) != 0)
        return 3;
    for (int a = 2; a < argc; a++) {
        char buf[512];
        size_t n = strlen(argv[a]) / 2;
        regmatch_t m[2];
        if (n >= sizeof(buf))
            return 4;
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)(nibble(argv[a][2 * i]) * 16 + nibble(argv[a][2 * i + 1]));
        buf[n] = '\0';
        if (regexec(&re, buf, 2, m, 0) != 0 || m[1].rm_so == -1) {
            puts("-");
            continue;
        }
        for (regoff_t i = m[1].rm_so; i < m[1].rm_eo; i++)
            printf("%02x", (unsigned char)buf[i]);
        putchar('\n');
    }
    return 0;
}
