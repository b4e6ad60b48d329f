#include "rules/site.h"

#include <stdlib.h>
#include <string.h>

#include "base/imsec_str.h"

void rules_site_free(rules_site *s)
{
    rules_value_strlist_free(&s->home_domains);
    rules_value_prefixlist_free(&s->internal_prefixes);
    rules_value_prefixlist_free(&s->ue_prefixes);
    rules_value_prefixlist_free(&s->trusted_peers.prefixes);
    rules_value_strlist_free(&s->trusted_peers.domains);
    rules_value_prefixlist_free(&s->media_anchors);
    free(s->protected_links);
    memset(s, 0, sizeof *s);
}

static bool parse_peers(rules_walk *w, json_object *o, const char *path, rules_peers *out)
{
    memset(out, 0, sizeof *out);
    if (!rules_walk_array(w, o, path, "an array of addresses, prefixes or domain names"))
        return false;
    size_t n = json_object_array_length(o);
    bool ok = true;
    if (n && (!(out->prefixes.v = calloc(n, sizeof *out->prefixes.v)) ||
              !(out->domains.v = calloc(n, sizeof *out->domains.v)))) {
        w->nomem = true;
        rules_value_prefixlist_free(&out->prefixes);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char p[RULES_PATH_MAX];
        const char *s;
        size_t len;
        rules_walk_path_idx(p, sizeof p, path, i);
        if (!rules_walk_string(w, json_object_array_get_idx(o, i), p, &s, &len)) {
            ok = false;
            continue;
        }
        if (rules_prefix_parse(s, len, &out->prefixes.v[out->prefixes.n])) {
            out->prefixes.n++;
        } else if (rules_walk_domain_ok(s, len) && memchr(s, ':', len) == NULL) {
            char *d = rules_walk_dup(w, s, len);
            if (!d) {
                ok = false;
                break;
            }
            rules_value_lower(d);
            out->domains.v[out->domains.n++] = d;
        } else {
            rules_diag_add(w->d, p, "not an address, prefix or domain name");
            ok = false;
        }
    }
    if (!ok) {
        rules_value_prefixlist_free(&out->prefixes);
        rules_value_strlist_free(&out->domains);
    }
    return ok;
}

static bool parse_links(rules_walk *w, json_object *o, const char *path, rules_link **out,
                        size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!rules_walk_array(w, o, path, "an array of pairs [A, B]"))
        return false;
    size_t n = json_object_array_length(o);
    bool ok = true;
    rules_link *v = n ? calloc(n, sizeof *v) : NULL;
    if (n && !v) {
        w->nomem = true;
        return false;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char p[RULES_PATH_MAX], q[RULES_PATH_MAX];
        json_object *e = json_object_array_get_idx(o, i);
        rules_walk_path_idx(p, sizeof p, path, i);
        if (!json_object_is_type(e, json_type_array) || json_object_array_length(e) != 2) {
            rules_diag_add(w->d, p, "expected a pair [A, B] of addresses or prefixes");
            ok = false;
            continue;
        }
        rules_walk_path_idx(q, sizeof q, p, 0);
        bool a = rules_value_prefix(w, json_object_array_get_idx(e, 0), q, &v[k].a);
        rules_walk_path_idx(q, sizeof q, p, 1);
        bool b = rules_value_prefix(w, json_object_array_get_idx(e, 1), q, &v[k].b);
        if (a && b)
            k++;
        else
            ok = false;
    }
    if (!ok) {
        free(v);
        return false;
    }
    *out = v;
    *nout = k;
    return true;
}

/* site.network: "auto" (decide from the traffic), "ims" or "sip". */
static void site_network(rules_walk *w, json_object *val, const char *p, rules_site *s)
{
    const char *v = json_object_is_type(val, json_type_string) ? json_object_get_string(val) : NULL;
    rules_network n = RULES_NET_AUTO;
    if (v && strcmp(v, "ims") == 0)
        n = RULES_NET_IMS;
    else if (v && strcmp(v, "sip") == 0)
        n = RULES_NET_SIP;
    else if (!v || strcmp(v, "auto") != 0) {
        rules_diag_add(w->d, p, "expected \"auto\", \"ims\" or \"sip\"");
        return;
    }
    if (w->apply)
        s->network = n;
}

void rules_site_walk(rules_walk *w, json_object *o, rules_site *s)
{
    if (!json_object_is_type(o, json_type_object)) {
        rules_diag_add(w->d, "site", "expected an object, got %s", rules_walk_type_name(o));
        return;
    }
    json_object_object_foreach(o, key, val)
    {
        char p[RULES_PATH_MAX];
        rules_walk_path_key(p, sizeof p, "site", key);
        if (strcmp(key, "home_domains") == 0) {
            rules_strlist l;
            if (rules_value_strlist(w, val, p, true, &l)) {
                if (w->apply) {
                    rules_value_strlist_free(&s->home_domains);
                    s->home_domains = l;
                } else {
                    rules_value_strlist_free(&l);
                }
            }
        } else if (strcmp(key, "internal_prefixes") == 0 || strcmp(key, "ue_prefixes") == 0 ||
                   strcmp(key, "media_anchors") == 0) {
            rules_prefixlist l;
            rules_prefixlist *dst = key[0] == 'i'   ? &s->internal_prefixes
                                    : key[0] == 'u' ? &s->ue_prefixes
                                                    : &s->media_anchors;
            if (rules_value_prefixlist(w, val, p, &l)) {
                if (w->apply) {
                    rules_value_prefixlist_free(dst);
                    *dst = l;
                } else {
                    rules_value_prefixlist_free(&l);
                }
            }
        } else if (strcmp(key, "trusted_peers") == 0) {
            rules_peers pe;
            if (parse_peers(w, val, p, &pe)) {
                if (w->apply) {
                    rules_value_prefixlist_free(&s->trusted_peers.prefixes);
                    rules_value_strlist_free(&s->trusted_peers.domains);
                    s->trusted_peers = pe;
                } else {
                    rules_value_prefixlist_free(&pe.prefixes);
                    rules_value_strlist_free(&pe.domains);
                }
            }
        } else if (strcmp(key, "network") == 0) {
            site_network(w, val, p, s);
        } else if (strcmp(key, "protected_links") == 0) {
            rules_link *l;
            size_t n;
            if (parse_links(w, val, p, &l, &n)) {
                if (w->apply) {
                    free(s->protected_links);
                    s->protected_links = l;
                    s->nprotected_links = n;
                } else {
                    free(l);
                }
            }
        } else {
            rules_diag_add(w->d, p,
                           "unknown key (expected network, home_domains, internal_prefixes, "
                           "ue_prefixes, trusted_peers, media_anchors, protected_links)");
        }
    }
}

json_object *rules_site_dump(const rules_site *s)
{
    json_object *site = json_object_new_object();
    if (!site)
        return NULL;
    static const char *const nets[] = {"auto", "ims", "sip"};
    json_object_object_add(site, "network", json_object_new_string(nets[s->network]));
    json_object_object_add(site, "home_domains", rules_value_strlist_dump(&s->home_domains));
    json_object_object_add(site, "internal_prefixes",
                           rules_value_prefixlist_dump(&s->internal_prefixes));
    json_object_object_add(site, "ue_prefixes", rules_value_prefixlist_dump(&s->ue_prefixes));
    json_object *peers = rules_value_prefixlist_dump(&s->trusted_peers.prefixes);
    for (size_t i = 0; peers && i < s->trusted_peers.domains.n; i++)
        json_object_array_add(peers, json_object_new_string(s->trusted_peers.domains.v[i]));
    json_object_object_add(site, "trusted_peers", peers);
    json_object_object_add(site, "media_anchors", rules_value_prefixlist_dump(&s->media_anchors));
    json_object *links = json_object_new_array();
    for (size_t i = 0; links && i < s->nprotected_links; i++) {
        char a[RULES_PREFIXSTRLEN], b[RULES_PREFIXSTRLEN];
        json_object *pair = json_object_new_array();
        json_object_array_add(pair, json_object_new_string(rules_prefix_str(&s->protected_links[i].a, a)));
        json_object_array_add(pair, json_object_new_string(rules_prefix_str(&s->protected_links[i].b, b)));
        json_object_array_add(links, pair);
    }
    json_object_object_add(site, "protected_links", links);
    return site;
}

bool rules_site_link_protected(const rules_site *s, const imsec_addr *a, const imsec_addr *b)
{
    for (size_t i = 0; i < s->nprotected_links; i++) {
        const rules_link *l = &s->protected_links[i];
        if ((rules_prefix_match(&l->a, a) && rules_prefix_match(&l->b, b)) ||
            (rules_prefix_match(&l->a, b) && rules_prefix_match(&l->b, a)))
            return true;
    }
    return false;
}

bool rules_site_home_domain(const rules_site *s, const char *dom, size_t len)
{
    for (size_t i = 0; dom && i < s->home_domains.n; i++) {
        const char *h = s->home_domains.v[i];
        size_t hl = strlen(h);
        if (len == hl && imsec_str_eq_ci(imsec_str_make(dom, len), imsec_str_make(h, len)))
            return true;
        if (len > hl && dom[len - hl - 1] == '.' &&
            imsec_str_eq_ci(imsec_str_make(dom + len - hl, hl), imsec_str_make(h, hl)))
            return true;
    }
    return false;
}
