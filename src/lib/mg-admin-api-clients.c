/* mg-admin-api-clients.c: the app servers' OAuth client credentials
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-admin"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-admin-api-private.h"
#include "mg-crypto-private.h"
#include "mg-cti-policy-private.h"
#include "mg-store-clients-private.h"

/* A generated secret: 24 random bytes, 32 base64url characters. */
#define GENERATED_SECRET_BYTES 24

static JsonObject *
client_to_json (const MgClientCredential *cred)
{
  JsonObject *object = json_object_new ();

  /* the secret is write-only: never part of an answer but the creating one */
  json_object_set_string_member (object, "client_id", cred->client_id);
  json_object_set_int_member (object, "token_validity", cred->token_validity);
  json_object_set_string_member (object, "description", cred->description);
  json_object_set_int_member (object, "created", cred->created);
  json_object_set_string_member (object, "cti_devices", cred->cti_devices);
  json_object_set_string_member (object, "caller_id_masking", cred->caller_id_masking);
  return object;
}

static void
reply_client (MgApiRequest *req, MgAdminApi *self, const char *client_id, guint status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgClientCredential) cred =
    mg_store_get_client (mg_admin_api_get_store (self), client_id, &error);
  g_autoptr (JsonObject) object = NULL;

  if (cred == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  object = client_to_json (cred);
  mg_api_request_reply_object (req, status, object);
}

/* The fields of a client in a request body; unknown keys and wrong types are
 * refused, naming the key. */
typedef struct
{
  const char *client_id;
  const char *secret;
  gint token_validity; /* -1: not given */
  const char *description;
  const char *cti_devices;
  const char *caller_id_masking;
} ClientFields;

static gboolean
string_field (JsonObject *body, const char *name, const char **out, GError **error)
{
  JsonNode *node = json_object_get_member (body, name);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, MG_API_ERROR, MG_API_ERROR_INVALID, _("%s: must be a string"), name);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
parse_fields (JsonObject *body, gboolean creating, ClientFields *fields, GError **error)
{
  static const char *const known[] = { "client_id",   "client_secret", "token_validity",
                                       "description", "cti_devices",   "caller_id_masking",
                                       NULL };
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  fields->token_validity = -1;
  json_object_iter_init (&iter, body);
  while (json_object_iter_next (&iter, &name, &node))
    if (!g_strv_contains (known, name) || (!creating && g_str_equal (name, "client_id")))
      {
        g_set_error (error, MG_API_ERROR, MG_API_ERROR_INVALID,
                     creating ? _("%s: unknown key; the keys are client_id, client_secret, "
                                  "token_validity, description, cti_devices, caller_id_masking")
                              : _("%s: unknown or unchangeable key; the keys are client_secret, "
                                  "token_validity, description, cti_devices, caller_id_masking"),
                                   name);
        return FALSE;
      }
  node = json_object_get_member (body, "token_validity");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
          || json_node_get_int (node) < 0
          || json_node_get_int (node) > MG_CLIENT_MAX_TOKEN_VALIDITY)
        {
          g_set_error (error, MG_API_ERROR, MG_API_ERROR_INVALID,
                       _("token_validity: minutes from 0 (never expires) to %d"),
                          MG_CLIENT_MAX_TOKEN_VALIDITY);
          return FALSE;
        }
      fields->token_validity = json_node_get_int (node);
    }
  if (!string_field (body, "client_id", &fields->client_id, error)
      || !string_field (body, "client_secret", &fields->secret, error)
      || !string_field (body, "description", &fields->description, error)
      || !string_field (body, "cti_devices", &fields->cti_devices, error)
      || !string_field (body, "caller_id_masking", &fields->caller_id_masking, error))
    return FALSE;
  /* checked before anything is written: the CTI policy is a second write */
  if ((fields->cti_devices != NULL && !mg_cti_policy_check_devices (fields->cti_devices, error))
      || (fields->caller_id_masking != NULL
          && !mg_cti_policy_check_masking (fields->caller_id_masking, error)))
    return FALSE;
  if (creating && fields->client_id == NULL)
    {
      g_set_error (error, MG_API_ERROR, MG_API_ERROR_INVALID, _("client_id: required"));
      return FALSE;
    }
  return TRUE;
}

static void
handle_list (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) clients = mg_store_list_clients (mg_admin_api_get_store (self), &error);

  if (clients == NULL)
    mg_api_request_reply_gerror (req, error);
  else
    mg_api_request_reply_list (req, "clients", clients, (MgApiToJson) client_to_json);
}

static void
handle_create (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MgClientCredential) cred = NULL;
  g_autoptr (JsonObject) reply = NULL;
  g_autofree char *generated = NULL;
  ClientFields fields = { 0 };
  JsonObject *body;

  body = mg_api_request_get_object (req, &error);
  if (body == NULL || !parse_fields (body, TRUE, &fields, &error))
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  if (fields.secret == NULL)
    fields.secret = generated = mg_random_token (GENERATED_SECRET_BYTES);
  if (!mg_store_add_client (mg_admin_api_get_store (self), fields.client_id, fields.secret,
                            fields.token_validity < 0 ? MG_CLIENT_DEFAULT_TOKEN_VALIDITY
                                                      : (guint) fields.token_validity,
                            fields.description, &error)
      || !mg_store_set_client_cti_policy (mg_admin_api_get_store (self), fields.client_id,
                                          fields.cti_devices, fields.caller_id_masking, &error)
      || (cred = mg_store_get_client (mg_admin_api_get_store (self), fields.client_id, &error))
           == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  g_info ("admin '%s' added the client %s", req->principal, fields.client_id);
  reply = client_to_json (cred);
  /* shown this once: only its hash is kept */
  if (generated != NULL)
    json_object_set_string_member (reply, "client_secret", generated);
  mg_api_request_reply_object (req, 201, reply);
}

static void
handle_get (MgApiRequest *req, gpointer user_data)
{
  reply_client (req, user_data, mg_api_request_get_param (req, "client_id"), 200);
}

static void
handle_patch (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  const char *client_id = mg_api_request_get_param (req, "client_id");
  g_autoptr (GError) error = NULL;
  ClientFields fields = { 0 };
  JsonObject *body;

  body = mg_api_request_get_object (req, &error);
  if (body == NULL || !parse_fields (body, FALSE, &fields, &error)
      || !mg_store_update_client (mg_admin_api_get_store (self), client_id, fields.secret,
                                  fields.token_validity, fields.description, &error)
      || !mg_store_set_client_cti_policy (mg_admin_api_get_store (self), client_id,
                                          fields.cti_devices, fields.caller_id_masking, &error))
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  g_info ("admin '%s' changed the client %s", req->principal, client_id);
  reply_client (req, self, client_id, 200);
}

static void
handle_delete (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  const char *client_id = mg_api_request_get_param (req, "client_id");
  g_autoptr (GError) error = NULL;

  if (!mg_store_delete_client (mg_admin_api_get_store (self), client_id, &error))
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  g_info ("admin '%s' deleted the client %s", req->principal, client_id);
  mg_api_request_reply_empty (req, 204);
}

void
mg_admin_api_add_client_routes (MgAdminApi *self, MgRouter *router)
{
  mg_router_add (router, "GET", "/cms/api/v1/clients", MG_ROUTE_AUTH, handle_list, self);
  mg_router_add (router, "POST", "/cms/api/v1/clients", MG_ROUTE_AUTH, handle_create, self);
  mg_router_add (router, "GET", "/cms/api/v1/clients/{client_id}", MG_ROUTE_AUTH, handle_get, self);
  mg_router_add (router, "PATCH", "/cms/api/v1/clients/{client_id}", MG_ROUTE_AUTH, handle_patch,
                 self);
  mg_router_add (router, "DELETE", "/cms/api/v1/clients/{client_id}", MG_ROUTE_AUTH, handle_delete,
                 self);
}
