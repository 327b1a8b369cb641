/* mg-source-policy.c: one live connection per client address, load
 * balancers excepted
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-http"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-source-policy-private.h"

/* MgSourcePolicy: the source-address rule of the WebSocket listeners that
 * serve one connection per client (client logger, CTI).
 *
 * A client address may hold one live connection. A peer that is a
 * configured load balancer (an address or CIDR network) is not limited as
 * such: the client is then the address the balancer names in `Forwarded`
 * (RFC 7239) or, without it, `X-Forwarded-For`, taking the rightmost entry
 * that is not itself a load balancer; that client is held to one connection.
 * Forwarding headers from any other peer are ignored: anyone can write them.
 * A balancer that names no client is admitted without a limit. */

struct _MgSourcePolicy
{
  GObject parent_instance;

  GPtrArray *balancers; /* GInetAddressMask */
  GHashTable *live; /* client address -> count */
};

struct _MgSourceSlot
{
  GWeakRef policy;
  char *client;
  gboolean counted;
};

G_DEFINE_FINAL_TYPE (MgSourcePolicy, mg_source_policy, G_TYPE_OBJECT)

GQuark
mg_source_policy_error_quark (void)
{
  /* spelled out rather than G_DEFINE_QUARK, whose dashed name clang-format mangles */
  return g_quark_from_static_string ("mg-source-policy-error-quark");
}

static void
mg_source_policy_finalize (GObject *object)
{
  MgSourcePolicy *self = MG_SOURCE_POLICY (object);

  g_ptr_array_unref (self->balancers);
  g_hash_table_unref (self->live);
  G_OBJECT_CLASS (mg_source_policy_parent_class)->finalize (object);
}

static void
mg_source_policy_class_init (MgSourcePolicyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mg_source_policy_finalize;
}

static void
mg_source_policy_init (MgSourcePolicy *self)
{
  self->balancers = g_ptr_array_new_with_free_func (g_object_unref);
  self->live = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

MgSourcePolicy *
mg_source_policy_new (void)
{
  return g_object_new (MG_TYPE_SOURCE_POLICY, NULL);
}

/* An IPv4-mapped IPv6 address (::ffff:192.0.2.1, as a dual-stack socket
 * reports IPv4 peers) as the IPv4 address it stands for; others as they are. */
GInetAddress *
mg_source_policy_normalize_address (GInetAddress *address)
{
  static const guint8 mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  const guint8 *bytes;

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return g_object_ref (address);
  bytes = g_inet_address_to_bytes (address);
  if (memcmp (bytes, mapped_prefix, sizeof mapped_prefix) != 0)
    return g_object_ref (address);
  return g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
}

static gboolean
split_network (const char *text, GInetAddress **address, guint *length)
{
  g_auto (GStrv) parts = g_strsplit (text, "/", 3);
  guint max;
  guint64 value;

  *address = g_inet_address_new_from_string (parts[0]);
  if (*address == NULL)
    return FALSE;
  max = g_inet_address_get_native_size (*address) * 8;
  if (parts[1] == NULL)
    {
      *length = max;
      return TRUE;
    }
  if (parts[2] != NULL || !g_ascii_string_to_unsigned (parts[1], 10, 0, max, &value, NULL))
    return FALSE;
  *length = (guint) value;
  return TRUE;
}

/* "192.0.2.7", "10.0.0.0/8", "2001:db8::/32" */
GInetAddressMask *
mg_source_policy_parse_network (const char *text, GError **error)
{
  g_autoptr (GInetAddress) address = NULL;
  GInetAddressMask *mask = NULL;
  guint length = 0;

  if (text != NULL && *text != '\0' && strchr (text, ' ') == NULL
      && split_network (text, &address, &length))
    mask = g_inet_address_mask_new (address, length, NULL);
  if (mask == NULL)
    g_set_error (error, MG_SOURCE_POLICY_ERROR, MG_SOURCE_POLICY_ERROR_INVALID,
                 _("“%s” is not an IP address or a CIDR network (address/prefix length, no "
                   "host bits set)"),
                    text ? text : "");
  return mask;
}

gboolean
mg_source_policy_set_load_balancers (MgSourcePolicy *self, const char *const *networks,
                                     GError **error)
{
  g_autoptr (GPtrArray) parsed = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (MG_IS_SOURCE_POLICY (self), FALSE);

  for (guint i = 0; networks != NULL && networks[i] != NULL; i++)
    {
      GInetAddressMask *mask = mg_source_policy_parse_network (networks[i], error);

      if (mask == NULL)
        return FALSE;
      g_ptr_array_add (parsed, mask);
    }
  g_ptr_array_unref (self->balancers);
  self->balancers = g_steal_pointer (&parsed);
  return TRUE;
}

gboolean
mg_source_policy_is_load_balancer (MgSourcePolicy *self, GInetAddress *address)
{
  g_autoptr (GInetAddress) normal = NULL;

  g_return_val_if_fail (MG_IS_SOURCE_POLICY (self), FALSE);

  if (address == NULL)
    return FALSE;
  normal = mg_source_policy_normalize_address (address);
  for (guint i = 0; i < self->balancers->len; i++)
    {
      GInetAddressMask *mask = g_ptr_array_index (self->balancers, i);

      if (g_inet_address_mask_get_family (mask) == g_inet_address_get_family (normal)
          && g_inet_address_mask_matches (mask, normal))
        return TRUE;
    }
  return FALSE;
}

/* One node of a forwarding header: "192.0.2.1", "192.0.2.1:4711",
 * "[2001:db8::1]:4711" or "2001:db8::1"; NULL for "unknown", "_hidden" and
 * anything else that is not an address. */
static GInetAddress *
parse_node (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *node = copy;
  gsize len = strlen (node);
  char *colon;
  GInetAddress *address;

  if (len >= 2 && node[0] == '"' && node[len - 1] == '"')
    {
      node[len - 1] = '\0';
      node++;
    }
  if (node[0] == '[')
    {
      char *end = strchr (node, ']');

      if (end == NULL)
        return NULL;
      *end = '\0';
      node++;
    }
  else if ((colon = strchr (node, ':')) != NULL && strchr (colon + 1, ':') == NULL)
    *colon = '\0'; /* IPv4 with a port */
  address = g_inet_address_new_from_string (node);
  return address;
}

static void
node_free (gpointer node)
{
  if (node != NULL)
    g_object_unref (node);
}

static void
add_node (GPtrArray *nodes, const char *text)
{
  GInetAddress *address = parse_node (text);

  g_ptr_array_add (nodes, address ? mg_source_policy_normalize_address (address) : NULL);
  g_clear_object (&address);
}

/* The `for=` nodes of a Forwarded header, nearest proxy last; an element
 * without `for=` or with an unusable one is a NULL entry. */
GPtrArray *
mg_source_policy_parse_forwarded (const char *forwarded)
{
  GPtrArray *nodes = g_ptr_array_new_with_free_func (node_free);
  g_auto (GStrv) elements = NULL;

  elements = g_strsplit (forwarded ? forwarded : "", ",", -1);
  for (guint i = 0; elements[i] != NULL; i++)
    {
      g_auto (GStrv) pairs = g_strsplit (elements[i], ";", -1);
      const char *value = NULL;

      if (*g_strstrip (elements[i]) == '\0')
        continue;
      for (guint j = 0; pairs[j] != NULL; j++)
        {
          char *pair = g_strstrip (pairs[j]);

          if (g_ascii_strncasecmp (pair, "for=", 4) == 0)
            value = pair + 4;
        }
      if (value == NULL)
        g_ptr_array_add (nodes, NULL);
      else
        add_node (nodes, value);
    }
  return nodes;
}

/* X-Forwarded-For: "client, proxy1, proxy2". */
GPtrArray *
mg_source_policy_parse_x_forwarded_for (const char *value)
{
  GPtrArray *nodes = g_ptr_array_new_with_free_func (node_free);
  g_auto (GStrv) items = g_strsplit (value ? value : "", ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    if (*g_strstrip (items[i]) != '\0')
      add_node (nodes, items[i]);
  return nodes;
}

/* The client a forwarding chain names: the rightmost node that is not one
 * of our load balancers; NULL when the chain is empty or that node unknown. */
static GInetAddress *
forwarded_client (MgSourcePolicy *self, SoupMessageHeaders *headers)
{
  const char *forwarded = soup_message_headers_get_list (headers, "Forwarded");
  const char *xff = soup_message_headers_get_list (headers, "X-Forwarded-For");
  g_autoptr (GPtrArray) nodes = NULL;
  GInetAddress *client = NULL;

  if (forwarded == NULL && xff == NULL)
    return NULL;
  nodes = forwarded != NULL ? mg_source_policy_parse_forwarded (forwarded)
                            : mg_source_policy_parse_x_forwarded_for (xff);
  for (guint i = nodes->len; i > 0; i--)
    {
      GInetAddress *node = g_ptr_array_index (nodes, i - 1);

      if (node != NULL && mg_source_policy_is_load_balancer (self, node))
        continue;
      client = node ? g_object_ref (node) : NULL;
      break;
    }
  return client;
}

/* The address to hold the connection against: the peer, or behind a load
 * balancer the client it forwards for; NULL from a balancer naming none. */
static GInetAddress *
client_of (MgSourcePolicy *self, GInetAddress *peer, SoupMessageHeaders *headers)
{
  if (!mg_source_policy_is_load_balancer (self, peer))
    return mg_source_policy_normalize_address (peer);
  return headers != NULL ? forwarded_client (self, headers) : NULL;
}

/**
 * mg_source_policy_client_address:
 * @self: a policy
 * @peer: the TCP peer
 * @headers: (nullable): the request headers
 *
 * Returns: (transfer full): the client's address as text (the peer's
 *   when no load balancer names another)
 */
char *
mg_source_policy_client_address (MgSourcePolicy *self, GInetAddress *peer,
                                 SoupMessageHeaders *headers)
{
  g_autoptr (GInetAddress) client = client_of (self, peer, headers);
  g_autoptr (GInetAddress) normal = mg_source_policy_normalize_address (peer);

  return g_inet_address_to_string (client ? client : normal);
}

/**
 * mg_source_policy_admit:
 * @self: a policy
 * @peer: the TCP peer
 * @headers: (nullable): the upgrade request's headers
 * @error: %MG_SOURCE_POLICY_ERROR_BUSY when the client holds a connection
 *
 * Returns: (transfer full) (nullable): the connection's slot; free it when
 *   the connection closes
 */
MgSourceSlot *
mg_source_policy_admit (MgSourcePolicy *self, GInetAddress *peer, SoupMessageHeaders *headers,
                        GError **error)
{
  g_autoptr (GInetAddress) client = client_of (self, peer, headers);
  MgSourceSlot *slot;
  guint count;

  g_return_val_if_fail (MG_IS_SOURCE_POLICY (self), NULL);

  slot = g_new0 (MgSourceSlot, 1);
  g_weak_ref_init (&slot->policy, self);
  slot->client = mg_source_policy_client_address (self, peer, headers);
  if (client == NULL)
    return slot; /* a load balancer that names no client: not limited */

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->live, slot->client));
  if (count >= 1)
    {
      g_set_error (error, MG_SOURCE_POLICY_ERROR, MG_SOURCE_POLICY_ERROR_BUSY,
                   _("%s has a connection already; one per address"), slot->client);
      mg_source_slot_free (slot);
      return NULL;
    }
  g_hash_table_insert (self->live, g_strdup (slot->client), GUINT_TO_POINTER (count + 1));
  slot->counted = TRUE;
  return slot;
}

guint
mg_source_policy_count (MgSourcePolicy *self, const char *client)
{
  g_return_val_if_fail (MG_IS_SOURCE_POLICY (self), 0);
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->live, client));
}

const char *
mg_source_slot_get_client (MgSourceSlot *slot)
{
  return slot->client;
}

void
mg_source_slot_free (MgSourceSlot *slot)
{
  g_autoptr (MgSourcePolicy) self = NULL;

  if (slot == NULL)
    return;
  self = g_weak_ref_get (&slot->policy);
  if (self != NULL && slot->counted)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->live, slot->client));

      if (count <= 1)
        g_hash_table_remove (self->live, slot->client);
      else
        g_hash_table_insert (self->live, g_strdup (slot->client), GUINT_TO_POINTER (count - 1));
    }
  g_weak_ref_clear (&slot->policy);
  g_free (slot->client);
  g_free (slot);
}
