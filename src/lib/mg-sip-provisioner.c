/* mg-sip-provisioner.c: the store's extensions and SIP settings, applied to the agent
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-sip"

#include "mg-build-config.h"

#include "mg-extension.h"
#include "mg-settings.h"
#include "mg-sip-provisioner-private.h"

struct _MgSipProvisioner
{
  GObject parent_instance;

  MgStore *store;
  MgSipAgent *agent;
  GHashTable *provisioned; /* number -> what was given to the agent, to spot changes */
};

G_DEFINE_FINAL_TYPE (MgSipProvisioner, mg_sip_provisioner, G_TYPE_OBJECT)

static void
mg_sip_provisioner_dispose (GObject *object)
{
  MgSipProvisioner *self = MG_SIP_PROVISIONER (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->agent);
  G_OBJECT_CLASS (mg_sip_provisioner_parent_class)->dispose (object);
}

static void
mg_sip_provisioner_finalize (GObject *object)
{
  MgSipProvisioner *self = MG_SIP_PROVISIONER (object);

  g_hash_table_unref (self->provisioned);
  G_OBJECT_CLASS (mg_sip_provisioner_parent_class)->finalize (object);
}

static void
mg_sip_provisioner_class_init (MgSipProvisionerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mg_sip_provisioner_dispose;
  object_class->finalize = mg_sip_provisioner_finalize;
}

static void
mg_sip_provisioner_init (MgSipProvisioner *self)
{
  self->provisioned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Everything about an extension that changes its registration. Kept in
 * memory only, never logged: it holds the digest password. */
static char *
account_fingerprint (MgExtension *extension)
{
  return g_strjoin ("\n", mg_extension_get_auth_username (extension) ?: "",
                    mg_extension_get_auth_password (extension) ?: "",
                    mg_extension_get_auth_realm (extension) ?: "",
                    mg_extension_get_display_name (extension) ?: "", NULL);
}

static void
provision (MgSipProvisioner *self, MgExtension *extension, GHashTable *seen)
{
  const char *number = mg_extension_get_number (extension);
  g_autofree char *fingerprint = account_fingerprint (extension);
  const char *before = g_hash_table_lookup (self->provisioned, number);

  g_hash_table_add (seen, g_strdup (number));
  if (g_strcmp0 (before, fingerprint) == 0)
    return;
  mg_sip_agent_add_account (self->agent, number, mg_extension_get_auth_username (extension),
                            mg_extension_get_auth_password (extension),
                            mg_extension_get_auth_realm (extension),
                            mg_extension_get_display_name (extension));
  g_hash_table_insert (self->provisioned, g_strdup (number), g_steal_pointer (&fingerprint));
}

/* Adds new and changed enabled extensions, drops deleted and disabled ones. */
void
mg_sip_provisioner_sync_accounts (MgSipProvisioner *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) extensions = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer number;

  extensions = mg_store_list_extensions (self->store, NULL, 0, G_MAXUINT, NULL, &error);
  if (extensions == NULL)
    {
      g_warning ("cannot read the extensions to register: %s", error->message);
      return;
    }
  for (guint i = 0; i < extensions->len; i++)
    {
      MgExtension *extension = g_ptr_array_index (extensions, i);

      if (mg_extension_get_enabled (extension))
        provision (self, extension, seen);
    }

  g_hash_table_iter_init (&iter, self->provisioned);
  while (g_hash_table_iter_next (&iter, &number, NULL))
    if (!g_hash_table_contains (seen, number))
      {
        mg_sip_agent_remove_account (self->agent, number);
        g_hash_table_iter_remove (&iter);
      }
}

void
mg_sip_provisioner_sync_platform (MgSipProvisioner *self)
{
  g_autoptr (JsonObject) sip = mg_settings_load (self->store, "sip");
  g_autoptr (GError) error = NULL;

  mg_sip_agent_set_keepalive (self->agent, mg_settings_get_int (sip, "keepalive_interval"),
                              mg_settings_get_int (sip, "keepalive_max_missed"));
  if (!mg_sip_agent_set_platform (self->agent, mg_settings_get_string (sip, "primary_uri"),
                                  mg_settings_get_string (sip, "secondary_uri"),
                                  mg_settings_get_int (sip, "registration_expiry"), &error))
    g_warning ("SIP platform settings not applied: %s", error->message);
}

static void
on_store_changed (MgStore *store, const char *what, MgSipProvisioner *self)
{
  if (g_str_equal (what, "extensions"))
    mg_sip_provisioner_sync_accounts (self);
  else if (g_str_equal (what, "sip"))
    mg_sip_provisioner_sync_platform (self);
}

MgSipProvisioner *
mg_sip_provisioner_new (MgStore *store, MgSipAgent *agent)
{
  MgSipProvisioner *self = g_object_new (MG_TYPE_SIP_PROVISIONER, NULL);

  self->store = g_object_ref (store);
  self->agent = g_object_ref (agent);
  g_signal_connect (store, "changed", G_CALLBACK (on_store_changed), self);
  mg_sip_provisioner_sync_platform (self);
  mg_sip_provisioner_sync_accounts (self);
  return self;
}
