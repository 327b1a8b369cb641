/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* CSTA XML (ECMA-323) on the wire: framing, hardened parsing, writing.
 * ../shared/reference/csta.md §5 and docs/cti.md. */

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define MG_CSTA_ERROR (mg_csta_error_quark ())
GQuark mg_csta_error_quark (void);

typedef enum {
  MG_CSTA_ERROR_FRAMING, /* not a CSTA frame: header, invokeID */
  MG_CSTA_ERROR_TOO_BIG, /* over 64 KiB */
  MG_CSTA_ERROR_XML,     /* not one well-formed document */
  MG_CSTA_ERROR_FORBIDDEN_XML, /* DOCTYPE, entities, too deep */
} MgCstaError;

#define MG_CSTA_EVENT_INVOKE_ID 9999
#define MG_CSTA_MAX_INVOKE_ID 9998
#define MG_CSTA_HEADER_SIZE 8
#define MG_CSTA_MAX_MESSAGE 65535 /* the TCP header's 16-bit length, header included */
#define MG_CSTA_MAX_XML (MG_CSTA_MAX_MESSAGE - MG_CSTA_HEADER_SIZE)
#define MG_CSTA_MAX_DEPTH 24

/* framing (mg-csta-framing.c) */
gboolean mg_csta_parse_text_frame (const char  *data,
                                   gsize        len,
                                   guint       *invoke_id,
                                   const char **xml,
                                   gsize       *xml_len,
                                   GError     **error);
char    *mg_csta_text_frame       (guint       invoke_id,
                                   const char *xml);
GBytes  *mg_csta_binary_frame     (guint       invoke_id,
                                   const char *xml);

typedef struct _MgCstaStream MgCstaStream;

MgCstaStream *mg_csta_stream_new  (void);
void          mg_csta_stream_free (MgCstaStream *self);
void          mg_csta_stream_push (MgCstaStream *self,
                                   const guint8 *data,
                                   gsize         len);
gboolean      mg_csta_stream_next (MgCstaStream *self,
                                   guint        *invoke_id,
                                   GBytes      **xml,
                                   GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgCstaStream, mg_csta_stream_free)

/* editions (mg-csta-xml.c) */
typedef enum {
  MG_CSTA_EDITION_UNKNOWN,
  MG_CSTA_EDITION_3 = 3,
  MG_CSTA_EDITION_4,
  MG_CSTA_EDITION_5,
  MG_CSTA_EDITION_6,
} MgCstaEdition;

#define MG_CSTA_NS_SESSION "http://www.ecma-international.org/standards/ecma-354/appl_session"
#define MG_CSTA_NS_PRIVATE "urn:mediagate:cti:1"

const char   *mg_csta_edition_namespace  (MgCstaEdition edition);
MgCstaEdition mg_csta_edition_from_namespace (const char *ns);

/* a received message (mg-csta-xml.c) */
typedef struct
{
  xmlDoc *doc;
  xmlNode *root;
  const char *name;      /* the root's local name */
  const char *namespace; /* nullable */
} MgCstaMessage;

MgCstaMessage *mg_csta_message_parse (const char *xml,
                                      gsize       len,
                                      GError    **error);
void           mg_csta_message_free  (MgCstaMessage *self);
xmlNode       *mg_csta_find          (xmlNode    *parent,
                                      const char *path);
char          *mg_csta_dup_text      (xmlNode    *parent,
                                      const char *path);
xmlNode       *mg_csta_find_descendant (xmlNode    *parent,
                                        const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgCstaMessage, mg_csta_message_free)

/* writing, children in schema order (mg-csta-xml.c) */
void mg_csta_open  (GString    *out,
                    const char *name,
                    const char *xmlns);
void mg_csta_close (GString    *out,
                    const char *name);
void mg_csta_leaf  (GString    *out,
                    const char *name,
                    const char *text);
void mg_csta_empty (GString    *out,
                    const char *name,
                    const char *xmlns);

G_END_DECLS
