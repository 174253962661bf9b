using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmBot.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class NudgeStatsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_NudgeItems_UserId_NudgedAt_Outcome",
                table: "NudgeItems",
                columns: new[] { "UserId", "NudgedAt", "Outcome" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_NudgeItems_UserId_NudgedAt_Outcome",
                table: "NudgeItems");
        }
    }
}
