/* Unit tests for the TURN REST API credentials, against RFC 2202's published
 * HMAC-SHA1 test vectors (the password is their digest in base64). */
#include "mediagate.h"
#include "mg-turn.h"

static void
test_rfc2202_case1 (void)
{
  /* key = 0x0b repeated 20 times, data = "Hi There",
   * digest = b617318655057264e28bc0b6fb378c8ef146be00 */
  char key[21];
  g_autofree char *password = NULL;

  memset (key, 0x0b, 20);
  key[20] = '\0';
  password = mg_turn_make_credential (key, "Hi There");
  g_assert_cmpstr (password, ==, "thcxhlUFcmTii8C2+zeMjvFGvgA=");
}

static void
test_rfc2202_case2 (void)
{
  /* key = "Jefe", data = "what do ya want for nothing?",
   * digest = effcdf6ae5eb2fa2d27416d5f184df9c259a7c79 */
  g_autofree char *password = mg_turn_make_credential ("Jefe", "what do ya want for nothing?");

  g_assert_cmpstr (password, ==, "7/zfauXrL6LSdBbV8YTfnCWafHk=");
}

static void
test_rfc2202_case6 (void)
{
  /* a key longer than the block size is hashed first:
   * key = 0xaa repeated 80 times, digest = aa4ae5e15272d00e95705637ce8a3b55ed402112 */
  char key[81];
  g_autofree char *password = NULL;

  memset (key, 0xaa, 80);
  key[80] = '\0';
  password = mg_turn_make_credential (key, "Test Using Larger Than Block-Size Key - Hash Key First");
  g_assert_cmpstr (password, ==, "qkrl4VJy0A6VcFY3zoo7Ve1AIRI=");
}

static void
test_username (void)
{
  g_autofree char *username = mg_turn_make_username (1700000600, "1000");

  g_assert_cmpstr (username, ==, "1700000600:1000");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/turn/rfc2202-case1", test_rfc2202_case1);
  g_test_add_func ("/turn/rfc2202-case2", test_rfc2202_case2);
  g_test_add_func ("/turn/rfc2202-case6", test_rfc2202_case6);
  g_test_add_func ("/turn/username", test_username);
  return g_test_run ();
}
