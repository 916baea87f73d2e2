/*
 * Runs a libFuzzer harness over the files named on the command line without
 * libFuzzer, so the seed corpus (and every crash found so far, kept in it as
 * a regression) stays covered by the plain and ASan builds of `make c-test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(const char *path) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    size_t capacity = 1 << 16, size = 0;
    uint8_t *data = malloc(capacity);
    size_t got;
    while ((got = fread(data + size, 1, capacity - size, file)) > 0) {
        size += got;
        if (size == capacity) {
            capacity *= 2;
            data = realloc(data, capacity);
        }
    }
    fclose(file);
    uint8_t *exact = malloc(size ? size : 1); /* exactly the file's bytes, as libFuzzer passes them */
    for (size_t i = 0; i < size; i++) {
        exact[i] = data[i];
    }
    free(data);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    return 0;
}

int main(int argc, char **argv) {
    int failures = 0;
    for (int i = 1; i < argc; i++) {
        failures += replay(argv[i]);
    }
    printf("%s: %d corpus inputs replayed\n", argc > 0 ? argv[0] : "replay", argc - 1);
    return failures != 0;
}
