/* mg-settings-checks.c: syntax checks for values in settings sections
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-config"

#include "mg-build-config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mg-settings-checks-private.h"
#include "mg-source-policy-private.h"

/* Each check returns TRUE, or FALSE with *reason set to a sentence a user can
 * act on (without the key name, which the caller adds). */

static gboolean
fail (char **reason, const char *text)
{
  *reason = g_strdup (text);
  return FALSE;
}

static gboolean
parse_port (const char *text, gsize len)
{
  guint port = 0;

  if (len == 0 || len > 5)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      port = port * 10 + (text[i] - '0');
    }
  return port >= 1 && port <= 65535;
}

static gboolean
is_ip_of_family (const char *text, gsize len, GSocketFamily family)
{
  g_autofree char *copy = g_strndup (text, len);
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (copy);

  return address != NULL && g_inet_address_get_family (address) == family;
}

gboolean
mg_settings_check_ip (const char *value, char **reason)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (value);

  if (address == NULL)
    return fail (reason, _("must be an IPv4 or IPv6 address"));
  return TRUE;
}

/* An address or a CIDR network, as MgSourcePolicy takes them. */
gboolean
mg_settings_check_network (const char *value, char **reason)
{
  g_autoptr (GInetAddressMask) mask = mg_source_policy_parse_network (value, NULL);

  if (mask == NULL)
    return fail (reason, _("must be an IP address or a CIDR network such as 10.0.0.0/8"));
  return TRUE;
}

/* A DNS name with at least two labels: letters, digits and '-' in labels
 * of 1 to 63 characters, 253 in all, not ending in a numeric label. */
gboolean
mg_settings_check_fqdn (const char *value, char **reason)
{
  g_auto (GStrv) labels = NULL;
  guint n;

  if (*value == '\0' || strlen (value) > 253)
    goto bad;
  labels = g_strsplit (value, ".", -1);
  n = g_strv_length (labels);
  if (n < 2)
    goto bad;
  for (guint i = 0; i < n; i++)
    {
      gsize len = strlen (labels[i]);
      gboolean all_digits = TRUE;

      if (len == 0 || len > 63 || labels[i][0] == '-' || labels[i][len - 1] == '-')
        goto bad;
      for (gsize j = 0; j < len; j++)
        {
          if (!g_ascii_isalnum (labels[i][j]) && labels[i][j] != '-')
            goto bad;
          all_digits &= g_ascii_isdigit (labels[i][j]);
        }
      if (i == n - 1 && all_digits)
        goto bad;
    }
  return TRUE;

bad:
  return fail (reason, _("must be a fully qualified domain name such as turn.example.com"));
}

/* "[v6]" or "v4" followed by ":port"; *rest points after the port. */
static gboolean
parse_host_port (const char *value, const char **rest, gboolean port_required)
{
  const char *host_end, *port_start, *port_end;
  gboolean ok;

  if (value[0] == '[')
    {
      host_end = strchr (value, ']');
      if (host_end == NULL || !is_ip_of_family (value + 1, host_end - value - 1, G_SOCKET_FAMILY_IPV6))
        return FALSE;
      port_start = host_end + 1;
    }
  else
    {
      port_start = value + strcspn (value, ":/;");
      if (!is_ip_of_family (value, port_start - value, G_SOCKET_FAMILY_IPV4))
        return FALSE;
    }
  if (*port_start != ':')
    {
      *rest = port_start;
      return !port_required;
    }
  port_end = port_start + 1 + strspn (port_start + 1, "0123456789");
  ok = parse_port (port_start + 1, port_end - port_start - 1);
  *rest = port_end;
  return ok;
}

/* "ip:port/UDP|TCP|TLS" with an IPv4 address or a bracketed IPv6 one. */
gboolean
mg_settings_check_transport_address (const char *value, char **reason)
{
  const char *rest = NULL;

  if (!parse_host_port (value, &rest, TRUE) || *rest != '/'
      || !(g_str_equal (rest + 1, "UDP") || g_str_equal (rest + 1, "TCP")
           || g_str_equal (rest + 1, "TLS")))
    return fail (reason, _("must look like 192.0.2.1:3478/UDP or [2001:db8::1]:5349/TLS "
                           "(transport UDP, TCP or TLS)"));
  return TRUE;
}

static gboolean
is_hostname_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.';
}

static gboolean
check_uri_host (const char *host, const char **rest)
{
  const char *end;

  if (parse_host_port (host, rest, FALSE))
    return TRUE;
  if (host[0] == '[')
    return FALSE;
  /* a host name: same rules as an FQDN, but one label is fine too */
  for (end = host; is_hostname_char (*end); end++)
    ;
  if (end == host || host[0] == '-' || host[0] == '.' || end[-1] == '.' || end[-1] == '-'
      || strstr (host, "..") != NULL)
    return FALSE;
  if (*end == ':')
    {
      const char *port_end = end + 1 + strspn (end + 1, "0123456789");

      if (!parse_port (end + 1, port_end - end - 1))
        return FALSE;
      end = port_end;
    }
  *rest = end;
  return TRUE;
}

/* "sip:" or "sips:", an optional "user@", a host (name, IPv4 or [IPv6]), an
 * optional port and optional ";name=value" parameters. Empty is allowed: it
 * means the embedded default. */
gboolean
mg_settings_check_sip_uri (const char *value, char **reason)
{
  const char *p, *at, *rest = NULL;

  if (*value == '\0')
    return TRUE;
  if (g_str_has_prefix (value, "sip:"))
    p = value + 4;
  else if (g_str_has_prefix (value, "sips:"))
    p = value + 5;
  else
    goto bad;

  at = strchr (p, '@');
  if (at != NULL)
    {
      for (const char *u = p; u < at; u++)
        if (!g_ascii_isalnum (*u) && strchr ("-_.!~*'()&=+$,;?/%", *u) == NULL)
          goto bad;
      p = at + 1;
    }
  if (!check_uri_host (p, &rest))
    goto bad;
  for (; *rest; rest++)
    if (!g_ascii_isalnum (*rest) && strchr (";=-_.~", *rest) == NULL)
      goto bad;
  return TRUE;

bad:
  return fail (reason, _("must be empty or a SIP URI such as sip:pbx.example.com:5060 "
                         "or sips:[2001:db8::1]"));
}

/* A secret shared with another server's configuration file: printable
 * ASCII without spaces, so it can be pasted anywhere. */
gboolean
mg_settings_check_secret (const char *value, char **reason)
{
  for (const char *p = value; *p; p++)
    if (*p <= ' ' || *p > '~')
      return fail (reason, _("must be printable ASCII without spaces"));
  return TRUE;
}
