# Turn a file into a C array: cmake -DIN=f -DOUT=f.c -DSYM=name -P embed.cmake
file(READ ${IN} HEX HEX)
string(LENGTH "${HEX}" N)
math(EXPR LEN "${N} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," BYTES "${HEX}")
file(WRITE ${OUT} "/* generated from ${IN}; do not edit */\n#include <stddef.h>\n"
     "const unsigned char ${SYM}[] = {${BYTES}0x00};\n"
     "const size_t ${SYM}_len = ${LEN};\n")
