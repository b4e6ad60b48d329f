/* state/xfer: number normalisation for XFER-PREMIUM-DESTINATION (sip/tel,
 * E.164 "+", international "00", visual separators). The transfer graph and
 * registration timeline are covered end to end by the golden captures
 * (tests/golden/CASE/checks.json of the xfer-, sess-unreg- and reg-rereg- cases). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "state/xfer.h"

static void num(const char *in, const char *want)
{
    char out[IDENT_MAX];
    xf_number_of_str(in, out);
    if (strcmp(out, want) != 0)
        fail_msg("%s -> \"%s\", want \"%s\"", in, out, want);
}

static void test_numbers(void **st)
{
    (void)st;
    num("tel:+1-900-555-0199", "+19005550199");
    num("sip:+19005550199@gw.home1.net;user=phone", "+19005550199");
    num("sip:0019005550199@gw.home1.net", "+19005550199");
    num("sip:(0900)123.456@gw.home1.net", "0900123456");
    num("tel:0900123456;phone-context=home1.net", "0900123456");
    num("sip:carol@home1.net", "");
    num("sip:12@home1.net", "");            /* too short to be a number */
    num("+4490", "+4490");                   /* rule-file prefixes */
    num("00 44 90", "+4490");
    num("0900", "0900");
    num("", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
