/* mg-store-agents.c: agent states in the store, so that they survive a
 * restart of the service
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-store"

#include "mg-build-config.h"

#include "mg-store-agents-private.h"
#include "mg-store-private.h"

void
mg_agent_state_free (MgAgentState *agent)
{
  g_free (agent->device);
  g_free (agent->agent_id);
  g_free (agent->state);
  g_free (agent->reason);
  g_free (agent);
}

static char *
column_text (sqlite3_stmt *stmt, int column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* Returns: (nullable): the agent logged on at @device, %NULL if none */
MgAgentState *
mg_store_get_agent_state (MgStore *self, const char *device)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  MgAgentState *agent;

  stmt = mg_store_prepare (
    self, "SELECT agent_id, state, reason FROM agent_states WHERE device = ?", NULL);
  if (stmt == NULL)
    return NULL;
  mg_store_bind_text (stmt, 1, device);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  agent = g_new0 (MgAgentState, 1);
  agent->device = g_strdup (device);
  agent->agent_id = column_text (stmt, 0);
  agent->state = column_text (stmt, 1);
  agent->reason = column_text (stmt, 2);
  return agent;
}

gboolean
mg_store_set_agent_state (MgStore *self, const char *device, const char *agent_id,
                          const char *state, const char *reason, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = mg_store_prepare (self,
                           "INSERT INTO agent_states (device, agent_id, state, reason, updated) "
                           "VALUES (?, ?, ?, ?, ?) ON CONFLICT (device) DO UPDATE SET "
                           "agent_id = excluded.agent_id, state = excluded.state, "
                           "reason = excluded.reason, updated = excluded.updated",
                           error);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, device);
  mg_store_bind_text (stmt, 2, agent_id);
  mg_store_bind_text (stmt, 3, state);
  mg_store_bind_text (stmt, 4, reason);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  return mg_store_write_one (self, stmt, error);
}

gboolean
mg_store_clear_agent_state (MgStore *self, const char *device, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = mg_store_prepare (self, "DELETE FROM agent_states WHERE device = ?", error);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, device);
  return mg_store_write_one (self, stmt, error);
}
