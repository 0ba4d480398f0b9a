using Dstack.Cli;
using System.Net;

namespace Dstack.Dashboard;

/// <summary>
/// The pages' common frame: the navigation, the style, and the session's CSRF token in a meta tag for the actions'
/// script. Every value a page shows goes through <see cref="E"/>; a new page adds its link to <see cref="Nav"/>.
/// </summary>
public static class Html
{
    public static string E(string? value) => WebUtility.HtmlEncode(value ?? "");

    public static readonly IReadOnlyList<(string Title, string Href)> Nav = [("Runs", "/"), ("Tags", "/tags"), ("Secrets", "/secrets"), ("Compute", "/compute")];

    public static string Page(string title, string csrf, string body, string script = "") => $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>{{E(title)}} · dstack</title>
        <meta name="csrf-token" content="{{E(csrf)}}">
        <style>{{Style}}</style></head>
        <body><nav><b>dstack</b> {{string.Concat(Nav.Select(n => $"<a href=\"{E(n.Href)}\">{E(n.Title)}</a> "))}}</nav>
        <main>{{body}}</main>
        <script>{{DashboardScripts.Common}}{{script}}</script></body></html>
        """;

    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#222}nav{background:#223;color:#fff;padding:.6em 1em}nav a{color:#cde;margin-left:1em}
        main{padding:1em}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.25em .6em;border-bottom:1px solid #ddd;font-size:.92em}
        .log{background:#111;color:#ddd;font-family:ui-monospace,monospace;font-size:.85em;padding:.5em;height:60vh;overflow:auto;white-space:pre-wrap;word-break:break-all}
        .log div{min-height:1.1em}dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}button{margin-right:.5em}
        .b{font-weight:bold}.f30{color:#666}.f31{color:#e55}.f32{color:#5c5}.f33{color:#dd4}.f34{color:#68f}.f35{color:#d6d}.f36{color:#5dd}.f37{color:#eee}
        .f90{color:#999}.f91{color:#f77}.f92{color:#7f7}.f93{color:#ff7}.f94{color:#89f}.f95{color:#f8f}.f96{color:#7ff}.f97{color:#fff}
        .g40{background:#000}.g41{background:#a22}.g42{background:#2a2}.g43{background:#aa2}.g44{background:#22a}.g45{background:#a2a}.g46{background:#2aa}.g47{background:#aaa}
        #message{color:#a22}
        """;
}
