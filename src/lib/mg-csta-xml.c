/* mg-csta-xml.c: CSTA XML read with a hardened libxml2, and written in
 * schema order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-cti"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <string.h>

#include "mg-csta-private.h"

static const char *const edition_namespaces[] = {
  [MG_CSTA_EDITION_3] = "http://www.ecma-international.org/standards/ecma-323/csta/ed3",
  [MG_CSTA_EDITION_4] = "http://www.ecma-international.org/standards/ecma-323/csta/ed4",
  [MG_CSTA_EDITION_5] = "http://www.ecma-international.org/standards/ecma-323/csta/ed5",
  [MG_CSTA_EDITION_6] = "http://www.ecma-international.org/standards/ecma-323/csta/ed6",
};

/**
 * mg_csta_edition_namespace: (skip)
 *
 * Returns: the ECMA-323 namespace of @edition (ed6 for an unknown one)
 */
const char *
mg_csta_edition_namespace (MgCstaEdition edition)
{
  if (edition < MG_CSTA_EDITION_3 || edition > MG_CSTA_EDITION_6)
    edition = MG_CSTA_EDITION_6;
  return edition_namespaces[edition];
}

/**
 * mg_csta_edition_from_namespace: (skip)
 *
 * Returns: the edition @ns names, or %MG_CSTA_EDITION_UNKNOWN
 */
MgCstaEdition
mg_csta_edition_from_namespace (const char *ns)
{
  for (int e = MG_CSTA_EDITION_3; ns != NULL && e <= MG_CSTA_EDITION_6; e++)
    if (g_str_equal (ns, edition_namespaces[e]))
      return e;
  return MG_CSTA_EDITION_UNKNOWN;
}

static gboolean
too_deep (xmlNode *node, guint depth)
{
  if (depth > MG_CSTA_MAX_DEPTH)
    return TRUE;
  for (xmlNode *child = node->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && too_deep (child, depth + 1))
      return TRUE;
  return FALSE;
}

/* A DOCTYPE is where entity bombs and external entities live; CSTA never
 * needs one, so a message that has one is refused before libxml2 sees it. */
static gboolean
has_doctype (const char *xml, gsize len)
{
  return g_strstr_len (xml, len, "<!DOCTYPE") != NULL
         || g_strstr_len (xml, len, "<!ENTITY") != NULL;
}

/**
 * mg_csta_message_parse: (skip)
 *
 * Parses one XML document from the outside: no DOCTYPE or entities, no
 * network, no DTD loading, at most %MG_CSTA_MAX_XML bytes and
 * %MG_CSTA_MAX_DEPTH levels.
 */
MgCstaMessage *
mg_csta_message_parse (const char *xml, gsize len, GError **error)
{
  g_autoptr (MgCstaMessage) self = NULL;
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;

  if (len > MG_CSTA_MAX_XML)
    {
      g_set_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_TOO_BIG,
                   _("a CSTA message holds at most %d bytes of XML"), MG_CSTA_MAX_XML);
      return NULL;
    }
  if (has_doctype (xml, len))
    {
      g_set_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_FORBIDDEN_XML,
                   _("DOCTYPE and entity declarations are not accepted"));
      return NULL;
    }
  self = g_new0 (MgCstaMessage, 1);
  self->doc = xmlReadMemory (xml, (int) len, NULL, "UTF-8", options);
  if (self->doc == NULL || (self->root = xmlDocGetRootElement (self->doc)) == NULL)
    {
      g_set_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_XML, _("not a well-formed XML document"));
      return NULL;
    }
  if (self->doc->intSubset != NULL || too_deep (self->root, 1))
    {
      g_set_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_FORBIDDEN_XML,
                   _("the XML nests deeper than %d levels or declares a DTD"), MG_CSTA_MAX_DEPTH);
      return NULL;
    }
  self->name = (const char *) self->root->name;
  self->namespace = self->root->ns != NULL ? (const char *) self->root->ns->href : NULL;
  return g_steal_pointer (&self);
}

/**
 * mg_csta_message_free: (skip)
 */
void
mg_csta_message_free (MgCstaMessage *self)
{
  g_clear_pointer (&self->doc, xmlFreeDoc);
  g_free (self);
}

static xmlNode *
child_named (xmlNode *parent, const char *name, gsize len)
{
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && strlen ((const char *) child->name) == len
        && strncmp ((const char *) child->name, name, len) == 0)
      return child;
  return NULL;
}

/**
 * mg_csta_find: (skip)
 * @path: local names separated by '/', e.g. "applicationInfo/applicationID"
 *
 * Finds by local name in any namespace and any order (CSTA is parsed
 * leniently: clients differ in namespaces and order).
 *
 * Returns: (nullable): the first element at @path below @parent
 */
xmlNode *
mg_csta_find (xmlNode *parent, const char *path)
{
  const char *start = path;

  while (parent != NULL && *start != '\0')
    {
      const char *slash = strchr (start, '/');
      gsize len = slash != NULL ? (gsize) (slash - start) : strlen (start);

      parent = child_named (parent, start, len);
      start += len + (slash != NULL);
    }
  return parent;
}

/**
 * mg_csta_find_descendant: (skip)
 *
 * Returns: (nullable): the first element named @name (local name) below
 *   @parent, at any depth, in document order
 */
xmlNode *
mg_csta_find_descendant (xmlNode *parent, const char *name)
{
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      xmlNode *found;

      if (child->type != XML_ELEMENT_NODE)
        continue;
      if (g_str_equal ((const char *) child->name, name))
        return child;
      if ((found = mg_csta_find_descendant (child, name)) != NULL)
        return found;
    }
  return NULL;
}

/**
 * mg_csta_dup_text: (skip)
 *
 * Returns: (nullable): the text of the element at @path, without
 *   surrounding white space, or %NULL if there is none
 */
char *
mg_csta_dup_text (xmlNode *parent, const char *path)
{
  xmlNode *node = mg_csta_find (parent, path);
  xmlChar *content;
  char *text;

  if (node == NULL)
    return NULL;
  content = xmlNodeGetContent (node);
  text = g_strstrip (g_strdup ((const char *) content));
  xmlFree (content);
  return text;
}

/**
 * mg_csta_open: (skip)
 * @xmlns: (nullable): the default namespace to declare
 */
void
mg_csta_open (GString *out, const char *name, const char *xmlns)
{
  if (xmlns != NULL)
    g_string_append_printf (out, "<%s xmlns=\"%s\">", name, xmlns);
  else
    g_string_append_printf (out, "<%s>", name);
}

/**
 * mg_csta_close: (skip)
 */
void
mg_csta_close (GString *out, const char *name)
{
  g_string_append_printf (out, "</%s>", name);
}

/**
 * mg_csta_leaf: (skip)
 *
 * Appends `<name>text</name>`, @text escaped.
 */
void
mg_csta_leaf (GString *out, const char *name, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append_printf (out, "<%s>%s</%s>", name, escaped, name);
}

/**
 * mg_csta_empty: (skip)
 * @xmlns: (nullable): the default namespace to declare
 */
void
mg_csta_empty (GString *out, const char *name, const char *xmlns)
{
  if (xmlns != NULL)
    g_string_append_printf (out, "<%s xmlns=\"%s\"/>", name, xmlns);
  else
    g_string_append_printf (out, "<%s/>", name);
}
