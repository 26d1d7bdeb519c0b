/* cmd.h: entry points of the nvosim commands (one file each). */
#ifndef NVO_CMD_H
#define NVO_CMD_H

/* argv[0] is the command's name; returns the exit status. */
int nvo_cmd_run_main(int argc, char **argv);
int nvo_cmd_batch_main(int argc, char **argv);
int nvo_cmd_sweep_main(int argc, char **argv);
int nvo_cmd_summarize_main(int argc, char **argv);
int nvo_cmd_plot_main(int argc, char **argv);
int nvo_cmd_report_main(int argc, char **argv);
int nvo_cmd_tunnel_main(int argc, char **argv);
int nvo_cmd_validate_main(int argc, char **argv);
int nvo_cmd_bgp_replay_main(int argc, char **argv);

#endif
