using System.Text.Json.Nodes;
using CrmBot.Teams.Cards;
using CrmBot.Teams.Cards.Templating;

namespace CrmBot.Teams.Tests.Cards;

// Expected values are what adaptivecards-templating 2.3.1 printed for the same template and data
// (probed with node; tests/js/cards/templating.test.js re-checks every real template the same way).
public sealed class TemplateExpanderFacts
{
    private static readonly JsonNode Data = JsonNode.Parse("""
        { "num": 3, "flag": true, "title": "T", "nul": null, "kind": "Text", "s": "it's ${x} ok",
          "items": [ { "name": "A" }, { "name": "B \"q\"" } ], "empty": [], "one": [ { "name": "solo" } ],
          "obj": { "k": "v" }, "strs": ["a", "b"] }
        """)!;

    private static string Expand(string template) => new TemplateExpander().Expand(JsonNode.Parse(template)!, Data)!.ToJsonString();

    [Theory]
    [InlineData("""{"v":"${num}"}""", """{"v":3}""")]
    [InlineData("""{"v":"x ${num} y"}""", """{"v":"x 3 y"}""")]
    [InlineData("""{"v":"${flag}"}""", """{"v":true}""")]
    [InlineData("""{"v":"${obj}"}""", """{"v":{"k":"v"}}""")]
    [InlineData("""{"v":"${nul}"}""", """{"v":null}""")]
    [InlineData("""{"v":"${kind == 'Text'}"}""", """{"v":true}""")]
    public void Expand_KeepsTheBoundType_WhenTheStringIsOneBinding(string template, string expected) =>
        Assert.Equal(expected, Expand(template));

    // Arrays without any binding still lose their nulls and splice nested arrays, as the official engine's do
    // (a template part without bindings is copied whole, but not these).
    [Theory]
    [InlineData("""{"a":[1,null,2]}""", """{"a":[1,2]}""")]
    [InlineData("""{"a":[[1],[2]]}""", """{"a":[1,2]}""")]
    [InlineData("""{"a":[{"b":[null,"x"]}]}""", """{"a":[{"b":["x"]}]}""")]
    [InlineData("""{"a":[1,null,"${num}"]}""", """{"a":[1,3]}""")]
    public void Expand_DropsNullsAndSplicesArrays_WithOrWithoutBindings(string template, string expected) =>
        Assert.Equal(expected, Expand(template));

    [Theory]
    [InlineData("""{"v":"${i}","w":"x ${l} y","z":"${d > 2.4}"}""", """{"v":3,"w":"x 12345678901 y","z":true}""")]
    public void Expand_ReadsNumbers_AsTheCardDataHoldsThem(string template, string expected)
    {
        // CardData builds its values in code (int, long, double), not by parsing JSON.
        var data = new JsonObject { ["i"] = 3, ["l"] = 12_345_678_901L, ["d"] = 2.5 };
        Assert.Equal(expected, new TemplateExpander().Expand(JsonNode.Parse(template)!, data)!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"v":"${missing}"}""", """{"v":"${missing}"}""")]
    [InlineData("""{"v":"pre ${missing} post"}""", """{"v":"pre ${missing} post"}""")]
    [InlineData("""{"v":"${$root.missing}"}""", """{"v":"${$root.missing}"}""")]
    [InlineData("""{"v":"${missing.deep}"}""", """{"v":"${missing.deep}"}""")]
    public void Expand_LeavesTheBinding_WhenTheFieldIsMissing(string template, string expected) =>
        Assert.Equal(expected, Expand(template));

    [Fact]
    public void Expand_DoesNotReexpand_WhenDataContainsBindingSyntax() =>
        Assert.Equal("""{"v":"it\u0027s ${x} ok"}""", Expand("""{"v":"${s}"}"""));

    [Theory]
    [InlineData("""{"v":[{"$data":"${items}","t":"${name} #${$index}","r":"${$root.title}"}]}""", """{"v":[{"t":"A #0","r":"T"},{"t":"B \u0022q\u0022 #1","r":"T"}]}""")]
    [InlineData("""{"v":[{"$data":"${empty}","t":"${name}"}]}""", """{"v":[]}""")]
    [InlineData("""{"v":{"$data":"${empty}","t":"${name}"}}""", """{"v":null}""")]
    [InlineData("""{"v":[{"$data":"${one}","t":"${name}"}]}""", """{"v":[{"t":"solo"}]}""")]
    [InlineData("""{"v":[{"$data":"${strs}","v":"${$data}"}]}""", """{"v":[{"v":"a"},{"v":"b"}]}""")]
    [InlineData("""{"v":{"$data":"${obj}","z":"${k}"}}""", """{"v":{"z":"v"}}""")]
    [InlineData("""{"v":[{"$data":"${items}","$when":"${$index > 0}","v":"${name}"}]}""", """{"v":[{"v":"B \u0022q\u0022"}]}""")]
    public void Expand_RepeatsAndDrops_AsDataBindsIt(string template, string expected) =>
        Assert.Equal(expected, Expand(template));

    [Theory]
    [InlineData("${flag}", true)]
    [InlineData("${not(flag)}", false)]
    [InlineData("${count(items) > 1}", true)]
    [InlineData("${missing}", false)]
    [InlineData("${nul}", false)]
    [InlineData("${missing == 'x'}", false)]
    [InlineData("not a binding", false)]
    public void Expand_KeepsAnElement_OnlyWhenItsWhenIsTrue(string when, bool kept)
    {
        var template = new JsonObject { ["v"] = new JsonArray(new JsonObject { ["$when"] = when, ["x"] = 1 }) };
        Assert.Equal(kept ? """{"v":[{"x":1}]}""" : """{"v":[]}""", Expand(template.ToJsonString()));
    }

    [Fact]
    public void Expand_Throws_WhenANullIsInterpolated() =>
        Assert.Throws<TemplateException>(() => Expand("""{"v":"pre ${nul} post"}"""));
}
